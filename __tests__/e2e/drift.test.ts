import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import {
  annotations,
  apiWrites,
  fileAt,
  gitRequests,
  history,
  inputsFor,
  resultsOf,
  statusOf,
  template
} from '../../test-support/scenario.js'

let forge: TestForge

describe('check mode: a drift gate', () => {
  let run: ActionRun
  beforeAll(async () => {
    forge = await TestForge.start()
    await template(forge, 'current', { pin: '1.2.3' })
    await template(forge, 'older', { pin: '0.1.0' })
    await template(forge, 'newer', { pin: '2.0.0' })
    await template(forge, 'missing', { pin: null })
    await template(forge, 'nightly', { pin: 'nightly' })
    await template(forge, 'no-workflow', { workflow: false })
    run = await runAction(inputsFor(forge, 'current older newer missing nightly no-workflow typo', { mode: 'check' }))
  })
  afterAll(() => forge.close())

  it('reads and judges every template, writing nothing and asking git nothing', () => {
    expect(resultsOf(run.outputs).map((r) => [r.template.split('/')[1], r.status, r.reason])).toEqual([
      ['current', 'current', 'pins 1.2.3'],
      ['older', 'lagging', 'pins 0.1.0, older than 1.2.3'],
      ['newer', 'lagging', 'pins 2.0.0, newer than 1.2.3'],
      ['missing', 'lagging', 'no .runtime-version'],
      ['nightly', 'lagging', 'pins nightly (not comparable with 1.2.3)'],
      ['no-workflow', 'skipped', expect.stringMatching(/^no publish-image\.yml/)],
      ['typo', 'failed', 'repository not found, or the token cannot see it (HTTP 404)']
    ])
    expect(apiWrites(forge).length).toBe(0)
    expect(gitRequests(forge)).toBe(0)
  })

  it('fails the step naming the lagging templates, and lists them in lagging-templates', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs['lagging-templates']).toBe('acme/older acme/newer acme/missing acme/nightly')
    expect(run.stdout).toMatch(
      /::error::.*4 of 7 template\(s\) lag behind 1\.2\.3: acme\/older acme\/newer acme\/missing acme\/nightly\. Update them with templates: /
    )
    expect(run.summary).toContain(`| [acme/older](${forge.url}/acme/older) | ⏳ lagging |`)
  })

  it('lagging-templates fed to a push run updates exactly those', async () => {
    const before = (await history(forge, 'acme/current')).length
    // One laggard pins a newer version: writing the older one over it has to be asked for.
    const push = await runAction(inputsFor(forge, run.outputs['lagging-templates'], { downgrade: 'allow' }))
    expect(statusOf(push.outputs)).toEqual({
      'acme/older': 'updated',
      'acme/newer': 'updated',
      'acme/missing': 'updated',
      'acme/nightly': 'updated'
    })
    for (const name of ['older', 'newer', 'missing', 'nightly'])
      expect(await fileAt(forge, `acme/${name}`, '.runtime-version')).toBe('1.2.3\n')
    expect(await history(forge, 'acme/current')).toHaveLength(before)
    const again = await runAction(inputsFor(forge, 'current older newer missing nightly', { mode: 'check' }))
    expect(again.exitCode).toBe(0)
    expect(again.outputs['lagging-templates']).toBe('')
  })

  it('with fail-on-error false, lagging is reported and the step stays green', async () => {
    await template(forge, 'behind', { pin: '0.0.1' })
    const soft = await runAction(inputsFor(forge, 'behind', { mode: 'check', 'fail-on-error': 'false' }))
    expect(soft.exitCode).toBe(0)
    expect(soft.outputs['lagging-templates']).toBe('acme/behind')
    expect(annotations(soft.stdout, 'warning')).toEqual([
      expect.stringMatching(/lag behind 1\.2\.3: acme\/behind.*fail-on-error is false/)
    ])
  })
})

describe('check mode and pull requests', () => {
  it.each(['gitea-1.25', 'github'] as const)(
    '%s: a laggard with the bump pull request open is reported with it, not told to take a push',
    async (flavour) => {
      const f = await TestForge.start({ flavour })
      try {
        await template(f, 'tpl-pr', { protectBranch: 'main' })
        await template(f, 'tpl-old')
        const opened = await runAction(inputsFor(f, 'tpl-pr', { mode: 'pull-request' }))
        expect(opened.exitCode).toBe(0)
        const run = await runAction(inputsFor(f, 'tpl-pr tpl-old', { mode: 'check' }))
        expect(run.exitCode).toBe(1)
        expect(run.stdout.split('\n').find((l) => !l.startsWith('::'))).toMatch(
          /^Checking that 2 template\(s\) pin 1\.2\.3/
        )
        expect(resultsOf(run.outputs)[0]).toMatchObject({
          status: 'lagging',
          reason: 'pins 0.1.0, older than 1.2.3; pull request #1 for 1.2.3 is open'
        })
        expect(run.summary).toContain('```\ntemplates: acme/tpl-old\n```')
        expect(run.summary).toMatch(/\[#1\]\([^)]+\)/)
        expect(run.stdout).toContain(
          'Update it with templates: acme/tpl-old. acme/tpl-pr has its bump pull request open: merge it.'
        )
      } finally {
        await f.close()
      }
    }
  )
})
