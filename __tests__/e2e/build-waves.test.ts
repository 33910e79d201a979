import { publishWorkflow } from '../../test-support/arena.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { PUBLISH_WORKFLOW } from '../../test-support/forge/repo-store.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

/**
 * Build waves: with max-builds-in-flight N, a pin lands only while fewer than N of the cascade's
 * builds run. The test forge starts a run per push (runDelayMs, then runMs in progress), so the
 * pushes' times against the runs' end times show how many ran at once.
 */
let forge: TestForge
const NAMES = ['tpl-a', 'tpl-b', 'tpl-c', 'tpl-d']

/** The most runs of the cascade in progress at one moment, from each default-branch push (a merge is one) and its run's end. */
function mostAtOnce(): number {
  const { runDelayMs, runMs } = forge.api.actions
  const spans = NAMES.flatMap((n) =>
    forge
      .repo(`acme/${n}`)
      .pushes.filter((p) => p.branch === 'main')
      .map((p) => [p.at, p.at + runDelayMs + runMs])
  )
  return Math.max(...spans.map(([start]) => spans.filter(([s, end]) => s <= start && start < end).length))
}

describe.each<Flavour>(['gitea-1.25', 'github'])('build waves on %s', (flavour) => {
  forgeForEachTest(
    (f) => (forge = f),
    () => ({ flavour })
  )

  it('at most N builds at once: the next pin waits until one of them completes', async () => {
    forge.api.actions.runDelayMs = 50
    forge.api.actions.runMs = 400
    for (const n of NAMES) await template(forge, n)
    const run = await runAction(inputsFor(forge, NAMES.join(' '), { 'max-builds-in-flight': '2', concurrency: '4' }))
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated', 'updated', 'updated'])
    expect(mostAtOnce()).toBeLessThanOrEqual(2)
    expect(run.stdout).toMatch(/build waves: 2 pin\(s\) waited for a build slot/)
    expect(run.summary).toMatch(
      /Build waves: at most 2 builds at once; 2 pin\(s\) waited for a slot, the longest \d+\.\d s\./
    )
  })

  it('without it, every pin lands at once (the storm the option prevents)', async () => {
    forge.api.actions.runDelayMs = 50
    forge.api.actions.runMs = 400
    for (const n of NAMES) await template(forge, n)
    await runAction(inputsFor(forge, NAMES.join(' '), { concurrency: '4' }))
    expect(mostAtOnce()).toBe(4)
  })

  it('a build that never finishes gives its slot back after verify-timeout', async () => {
    forge.api.actions.pickupDelayMs = Infinity
    for (const n of NAMES.slice(0, 2)) await template(forge, n)
    const run = await runAction(
      inputsFor(forge, 'tpl-a tpl-b', { 'max-builds-in-flight': '1', 'verify-timeout': '2', concurrency: '2' })
    )
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated'])
    expect(run.stdout).toMatch(/did not finish within verify-timeout: its slot is released/)
  })
})

// A merge starts a default-branch build just as a push does: with auto-merge, the merges the
// run makes wait for a build slot, and one the forge would only schedule is not asked for.
describe.each<Flavour>(['gitea-1.25', 'github'])('merges paced like pushes, pull-request mode on %s', (flavour) => {
  forgeForEachTest(
    (f) => (forge = f),
    () => ({ flavour })
  )
  const merging = { mode: 'pull-request', 'auto-merge': 'squash', 'max-builds-in-flight': '1', concurrency: '3' }

  it('max-builds-in-flight 1: never two default-branch builds at once, every pull request merged', async () => {
    forge.api.actions.runDelayMs = 50
    forge.api.actions.runMs = 400
    for (const n of NAMES) await template(forge, n)
    const run = await runAction(inputsFor(forge, NAMES.join(' '), merging))
    expect(run.exitCode).toBe(0)
    for (const r of resultsOf(run.outputs))
      expect([r.status, r.reason]).toEqual(['pr-opened', expect.stringMatching(/; merged/)])
    for (const n of NAMES) expect(await fileAt(forge, `acme/${n}`, '.runtime-version')).toBe('1.2.3\n')
    expect(mostAtOnce()).toBe(1)
    expect(run.stdout).toMatch(/build waves: 3 pin\(s\) waited for a build slot/)
  })

  it('a merge the forge would only schedule (a required check) is not asked for: open, said why, its slot given back', async () => {
    await template(forge, 'tpl-a', { requiredChecks: true })
    await template(forge, 'tpl-b')
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b', merging))
    const [held, merged] = resultsOf(run.outputs)
    expect(held.reason).toMatch(
      /; not merged: .*(status checks successful|status check "build" is expected).*; with build pacing a pull request is merged only when it can merge at once/
    )
    expect(forge.repo('acme/tpl-a').pulls[0]).toMatchObject({ state: 'open' })
    expect(forge.repo('acme/tpl-a').pulls[0].autoMerge).toBeUndefined()
    expect(merged.reason).toMatch(/; merged/)
    expect(run.exitCode).toBe(0)
  })

  it('without auto-merge the run merges nothing: max-builds-in-flight is an input error, before any request', async () => {
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request', 'max-builds-in-flight': '1' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/max-builds-in-flight: in pull-request mode without auto-merge the run merges nothing/)
    expect(forge.requests).toEqual([])
  })
})

describe('build waves where the forge cannot list runs', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'gitea-1.22' })

  it('stops before any write, saying so and offering builds-per-minute', async () => {
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'max-builds-in-flight': '2' }))
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run.outputs)[0].reason).toMatch(
      /^not attempted: max-builds-in-flight: Gitea 1\.22\.6 has no API that lists workflow runs .*use builds-per-minute/
    )
    expect(forge.requests.filter((r) => r.kind === 'api' && r.method !== 'GET')).toEqual([])
  })

  it('builds-per-minute paces by time instead', async () => {
    for (const n of NAMES.slice(0, 3)) await template(forge, n)
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b tpl-c', { 'builds-per-minute': '120', concurrency: '3' }))
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated', 'updated'])
    // 120 a minute: the first pin goes at once, the next two wait their turn (what the action
    // decided, not the wall clock: a busy machine stretches the gaps between pushes unevenly).
    expect(run.stdout.match(/builds-per-minute 120: this pin waits \d/g)).toHaveLength(2)
  })
})

describe('build waves and a cancel', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'gitea-1.25' })

  it('a cancel ends the wait for a build slot at once; the waiting pin is cancelled, not pushed', async () => {
    // The first build never finishes, so the second pin waits for its slot until cancelled.
    forge.api.actions.pickupDelayMs = Infinity
    for (const n of ['tpl-a', 'tpl-b']) await template(forge, n)
    let cancelledAt = 0
    const run = await runAction(
      inputsFor(forge, 'tpl-a tpl-b', { 'max-builds-in-flight': '1', 'verify-timeout': '600', concurrency: '2' }),
      {},
      {
        during: async (child) => {
          const landed = () => forge.repo('acme/tpl-a').pushes.length + forge.repo('acme/tpl-b').pushes.length > 0
          for (let i = 0; i < 200 && !landed(); i++) await new Promise((r) => setTimeout(r, 25))
          await new Promise((r) => setTimeout(r, 300))
          cancelledAt = Date.now()
          child.kill('SIGTERM')
        }
      }
    )
    // The outputs are there: the wait ended on the cancel (a run still waiting would have been cut
    // off by the five-second forced exit, with no outputs written).
    expect(cancelledAt).toBeGreaterThan(0)
    expect(
      resultsOf(run.outputs)
        .map((r) => r.status)
        .sort()
    ).toEqual(['failed', 'updated'])
    expect(resultsOf(run.outputs).find((r) => r.status === 'failed')?.reason).toBe('cancelled')
    const pushes = forge.repo('acme/tpl-a').pushes.length + forge.repo('acme/tpl-b').pushes.length
    expect(pushes).toBe(1)
  })
})

// A task is one job, taken only once a runner is free (models/actions/task.go): a busy runner may
// take a run's second job long after its first ended, and the task list then shows every job it
// has done. Seen on Gitea 1.25.4 under load, where a settle of 3 s freed the slot too early. The
// commit's statuses (one per job from the run's creation) say a job is still to come.
describe.each<Flavour>(['gitea-1.24', 'gitea-1.25', 'forgejo-11'])('build waves on a task list (%s)', (flavour) => {
  forgeForEachTest(
    (f) => (forge = f),
    () => ({ flavour })
  )

  it("a run's second job taken 4 s after its first ended still holds the slot", async () => {
    Object.assign(forge.api.actions, { runDelayMs: 50, runMs: 300, jobGapMs: 4000, tokenIsOwner: false })
    const names = ['tpl-a', 'tpl-b']
    const files = { [PUBLISH_WORKFLOW]: publishWorkflow('ubuntu-latest', 2) }
    for (const n of names) await template(forge, n, { workflow: false, files })
    const run = await runAction(inputsFor(forge, names.join(' '), { 'max-builds-in-flight': '1', concurrency: '2' }))
    expect(run.exitCode).toBe(0)
    const [first, second] = names
      .map((n) => forge.repo(`acme/${n}`).pushes.map((p) => p.at))
      .sort((a, b) => a[0] - b[0])
      .map((at) => at[0])
    // The second pin landed only once the first pin's run, both of its jobs, was over.
    const { runDelayMs, runMs, jobGapMs } = forge.api.actions
    expect(second).toBeGreaterThanOrEqual(first + runDelayMs + 2 * runMs + jobGapMs)
    expect(run.stdout).not.toContain('did not finish within verify-timeout')
  })
})
