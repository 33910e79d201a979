import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { buildsOf, forgeWithRuns, pollsOf } from '../../test-support/builds.js'
import { runAction } from '../../test-support/run-action.js'
import { annotations, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge
afterEach(() => forge.close())

async function start(flavour: Flavour): Promise<TestForge> {
  return (forge = await forgeWithRuns(flavour))
}
const builds = buildsOf
const polls = (repo: string) => pollsOf(forge, repo)

describe('verify-build', () => {
  it.each([
    ['gitea-1.25', 'runs'],
    ['github', 'runs'],
    ['gitea-1.23', 'tasks'],
    ['gitea-1.24', 'tasks'],
    // Forgejo v8-v11 have the task list (forge-facts.md, corrected): builds there are found too.
    ['forgejo', 'tasks'],
    ['forgejo-11', 'tasks']
  ] as const)('%s: finds the run the pin started (%s API), links it in the summary', async (flavour, api) => {
    await start(flavour)
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'true' }))
    expect(run.exitCode).toBe(0)
    const [found] = builds(run.outputs)
    expect(found).toMatchObject({ template: 'acme/tpl-a', build: 'started' })
    expect(found.url).toMatch(new RegExp(`^${forge.url}/acme/tpl-a/actions/runs/\\d+$`))
    expect(polls('acme/tpl-a').every((r) => r.path.includes(`/actions/${api}`))).toBe(true)
    expect(run.summary).toContain('| Build |')
    expect(run.summary).toContain(`[${api === 'tasks' ? 'running' : 'in_progress'}](${found.url})`) // each API's own word
    expect(annotations(run.stdout, 'warning')).toEqual([])
  })

  it('gitea-1.22 has no runs API: the build is unknown, with the reason, and never a failure', async () => {
    await start('gitea-1.22')
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require' }))
    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(builds(run.outputs)).toEqual([
      { template: 'acme/tpl-a', build: 'unknown', url: null, reason: expect.any(String) }
    ])
    expect(run.summary).toMatch(/❔ Gitea 1\.22\.6 has no API that lists workflow runs \(1\.23 and later have\)/)
    expect(forge.requests.filter((r) => /\/actions\//.test(r.path))).toEqual([])
  })

  it('true: a pin whose build never starts stays updated, and a warning names the template', async () => {
    await start('gitea-1.25')
    await template(forge, 'tpl-quiet', { noRuns: true })
    const run = await runAction(inputsFor(forge, 'tpl-quiet', { 'verify-build': 'true', 'verify-timeout': '1' }))
    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-quiet': 'updated' })
    expect(builds(run.outputs)).toEqual([
      { template: 'acme/tpl-quiet', build: 'not-started', url: null, reason: expect.any(String) }
    ])
    expect(annotations(run.stdout, 'warning')).toEqual([
      '::warning title=runtime cascade%3A no build started::acme/tpl-quiet: the pin landed, but no workflow run appeared within 1 s: the image may not rebuild'
    ])
    // Bounded: polls back off (×1.5 from twice retry-delay-ms) and stop at the deadline.
    expect(polls('acme/tpl-quiet').length).toBeGreaterThanOrEqual(2)
    expect(polls('acme/tpl-quiet').length).toBeLessThanOrEqual(6)
  })

  it('require: a pin whose build never starts fails that template, others pass', async () => {
    await start('gitea-1.25')
    await template(forge, 'tpl-quiet', { noRuns: true })
    await template(forge, 'tpl-a')
    const run = await runAction(
      inputsFor(forge, 'tpl-quiet tpl-a', { 'verify-build': 'require', 'verify-timeout': '1' })
    )
    expect(run.exitCode).toBe(1)
    expect(resultsOf(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['failed', 'pinned 1.2.3 (was 0.1.0); but no workflow run appeared within 1 s (verify-build: require)'],
      ['updated', 'pinned 1.2.3 (was 0.1.0)']
    ])
    expect(run.outputs['failed-templates']).toBe('acme/tpl-quiet')
    // Each group's header says the template's final status.
    const headers = run.stdout.split('\n').filter((l) => l.startsWith('::group::'))
    expect(headers).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^::group::acme\/tpl-quiet: failed \(pinned 1\.2\.3 \(was 0\.1\.0\); but no workflow run/
        ),
        expect.stringMatching(/^::group::acme\/tpl-a: updated /)
      ])
    )
  })

  it('polls only updated templates, all in one loop that runs while others are still being pinned', async () => {
    await start('gitea-1.25')
    forge.latencyMs = 60
    await template(forge, 'tpl-pinned', { pin: '1.2.3' })
    for (const name of ['t1', 't2', 't3', 't4']) await template(forge, name)
    const run = await runAction(
      inputsFor(forge, 'tpl-pinned t1 t2 t3 t4', { 'verify-build': 'true', concurrency: '1' })
    )
    expect(run.exitCode).toBe(0)
    expect(builds(run.outputs).map((b) => [b.template, b.build])).toEqual(
      ['t1', 't2', 't3', 't4'].map((t) => [`acme/${t}`, 'started'])
    )
    expect(polls('acme/tpl-pinned')).toEqual([])
    const lastWrite = Math.max(...forge.requests.filter((r) => r.method === 'PUT').map((r) => r.at))
    expect(Math.min(...polls('acme/t1').map((r) => r.at))).toBeLessThan(lastWrite)
  })

  it('a rate limit while polling makes the build unknown, never a failed template', async () => {
    await start('github')
    await template(forge, 'tpl-a')
    forge.api.actions.runDelayMs = 60_000 // no run yet when polling starts
    forge.before({ kind: 'api', path: /\/actions\/runs/ }, async () => forge.github.exhaust(3600))
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated' })
    expect(builds(run.outputs)).toEqual([
      { template: 'acme/tpl-a', build: 'unknown', url: null, reason: expect.any(String) }
    ])
    expect(run.summary).toMatch(/❔ polling stopped: rate limit: GitHub API rate limit exhausted/)
  })

  it('a runs API that keeps failing (5xx) until the deadline makes the build unknown, not a failure', async () => {
    await start('gitea-1.25')
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', path: /\/actions\/runs/ }, { status: 503, body: { message: 'unavailable' } })
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require', 'verify-timeout': '1' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated' })
    expect(builds(run.outputs)).toEqual([
      { template: 'acme/tpl-a', build: 'unknown', url: null, reason: expect.any(String) }
    ])
    expect(run.summary).toMatch(/❔ could not list workflow runs: .*503/)
    expect(polls('acme/tpl-a').length).toBeGreaterThanOrEqual(2) // asked again, within the deadline
  })
})

describe('the log says what the summary says', () => {
  it('same columns, same rows in the same order, the build and the consumer warning in both', async () => {
    await start('gitea-1.25')
    await template(forge, 'tpl-a')
    // A publish workflow that never reads .runtime-version: the consumer guard warns.
    await template(forge, 'tpl-blind', {
      workflow: false,
      files: { '.github/workflows/publish-image.yml': 'on: push\n' }
    })
    await template(forge, 'tpl-gone', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-blind tpl-gone', { 'verify-build': 'true' }))
    const summaryLines = run.summary.split('\n').filter((l) => l.startsWith('|'))
    const summaryHeader = summaryLines[0]
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean)
    const summaryRows = summaryLines.slice(2).map((l) => /^\| \[?([^\]|]+)/.exec(l)![1].trim())
    const log = run.stdout.split('\n')
    const at = log.findIndex((l) => l.startsWith('TEMPLATE'))
    const logHeader = log[at].split(/\s{2,}/)
    const logRows = log.slice(at + 1, at + 4)
    expect(logHeader).toEqual(summaryHeader.map((h) => h.toUpperCase()))
    expect(logHeader).toEqual(['TEMPLATE', 'STATUS', 'BRANCH', 'COMMIT', 'WRITES', 'DETAILS', 'BUILD'])
    expect(logRows.map((l) => l.split(/\s+/)[0])).toEqual(summaryRows)
    expect(summaryRows).toEqual(['acme/tpl-gone', 'acme/tpl-a', 'acme/tpl-blind'])
    const blind = logRows.find((l) => l.startsWith('acme/tpl-blind'))!
    expect(blind).toContain('does not mention .runtime-version')
    expect(run.summary).toContain('does not mention .runtime-version')
    expect(logRows.find((l) => l.startsWith('acme/tpl-a'))).toMatch(/(in_progress|completed|queued)$/)
  })
})
