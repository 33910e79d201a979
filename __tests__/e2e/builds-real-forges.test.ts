import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { buildsOf, forgeWithRuns, pollsOf } from '../../test-support/builds.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

// verify-build against what the forges really answer (forge-facts.md, Workflow runs).
let forge: TestForge
afterEach(() => forge.close())

async function start(flavour: Flavour): Promise<TestForge> {
  return (forge = await forgeWithRuns(flavour))
}
const builds = buildsOf
const polls = (repo: string) => pollsOf(forge, repo)

describe('verify-build on the real forges', () => {
  it('gitea-1.25.0-1.25.4: runs answer only the owner; a collaborator bot gets its builds from the task list', async () => {
    await start('gitea-1.25')
    forge.api.actions.tokenIsOwner = false
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require' }))
    expect(run.exitCode).toBe(0)
    expect(builds(run.outputs)).toMatchObject([{ template: 'acme/tpl-a', build: 'started' }])
    const asked = polls('acme/tpl-a').map((r) => [r.path.replace(/.*\/actions\//, ''), r.status])
    expect(asked[0]).toEqual(['runs', 403]) // once: then the task list, for good
    expect(asked.slice(1).every(([api, status]) => api === 'tasks' && status === 200)).toBe(true)
    expect(run.stdout).toContain("the forge lists workflow runs only for the repository's owner")
  })

  it.each(['gitea-1.25', 'github'] as const)(
    '%s: the run is matched by workflow file, "<file>@<ref>": another workflow\'s failure is not the build',
    async (flavour) => {
      await start(flavour)
      // tests.yml sorts after publish-image.yml: its run is created last and listed first.
      await template(forge, 'tpl-a', { files: { '.github/workflows/tests.yml': 'on: push\n' } })
      forge.api.actions.conclusions = { 'tests.yml': 'failure' }
      forge.api.actions.runMs = 0 // both runs complete at once
      const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'true' }))
      expect(run.exitCode).toBe(0)
      const [found] = builds(run.outputs)
      expect(found.build).toBe('started')
      expect(run.summary).toContain('completed: success')
      expect(run.summary).not.toContain('failure')
      // the publish run is the lower id (created first); the tests run is listed first
      expect(Number(found.url!.split('/').pop()) % 1000).toBe(1)
    }
  )

  it('gitea-1.23: no runner took the job yet: the build is unknown, said so, and require does not fail it', async () => {
    await start('gitea-1.23')
    forge.api.actions.pickupDelayMs = Infinity // a busy or offline runner
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require', 'verify-timeout': '1' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated' })
    expect(builds(run.outputs)).toEqual([
      {
        template: 'acme/tpl-a',
        build: 'unknown',
        url: null,
        reason: expect.stringMatching(/^no runner has taken a job for it within 1 s \(this forge lists a run only once/)
      }
    ])
    expect(run.summary).toMatch(/❔ no runner has taken a job for it within 1 s/)
  })

  it('gitea-1.25: a queued run (no runner yet) is a started build, listed as queued', async () => {
    await start('gitea-1.25')
    forge.api.actions.pickupDelayMs = Infinity
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'verify-build': 'require', 'verify-timeout': '5' }))
    expect(run.exitCode).toBe(0)
    expect(builds(run.outputs)).toMatchObject([{ build: 'started' }])
    expect(run.summary).toContain('queued')
  })
})
