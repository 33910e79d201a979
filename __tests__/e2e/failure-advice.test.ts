import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, template } from '../../test-support/scenario.js'

// What the operator is told to do, per kind of failure, in the log, the summary and the error.
let forge: TestForge
afterEach(() => forge.close())

const stepError = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'))
const annotation = (stdout: string, template: string) =>
  stdout.split('\n').find((l) => l.startsWith('::error title=runtime cascade::') && l.includes(`::${template}:`))

describe.each(['gitea-1.22', 'gitea-1.25', 'forgejo', 'github'] as Flavour[])('%s', (flavour) => {
  it.each(['api', 'git'])('a protected branch (through %s): use pull-request mode, not a re-run', async (transport) => {
    forge = await TestForge.start({ flavour })
    await template(forge, 'tpl-locked', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-locked', { transport }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failed-templates']).toBe('acme/tpl-locked')
    expect(run.outputs['retryable-templates']).toBe('')
    expect(stepError(run.stdout)).toEqual([
      '::error::1 of 1 template(s) failed. acme/tpl-locked: the branch is protected (the forge refused the write for its branch protection): use `mode: pull-request` for it.'
    ])
    expect(annotation(run.stdout, 'acme/tpl-locked')).toContain('use `mode: pull-request` for it')
    expect(run.summary).toContain('**Protected branch** (acme/tpl-locked)')
    expect(run.summary).not.toContain('templates: acme/tpl-locked')
  })
})

describe('other kinds', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'gitea-1.25' })
  })

  it('a forge that keeps failing a write: re-run them, listed in retryable-templates', async () => {
    await template(forge, 'tpl-a')
    await template(forge, 'tpl-b')
    forge.fault({ kind: 'api', repo: 'acme/tpl-a', method: 'PUT' }, { status: 503, body: { message: 'unavailable' } })
    forge.fault({ kind: 'git', repo: 'acme/tpl-a' }, { status: 503, raw: 'unavailable' })
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b'))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['retryable-templates']).toBe('acme/tpl-a')
    expect(stepError(run.stdout)[0]).toMatch(
      /^::error::1 of 2 template\(s\) failed\. acme\/tpl-a: re-run it: .*, with templates: acme\/tpl-a\.$/
    )
    expect(run.summary).toContain('**A re-run may fix** (acme/tpl-a)')
    expect(run.summary).toContain('```\ntemplates: acme/tpl-a\n```')
  })

  it('a typo: check the name; a refused downgrade: the policy', async () => {
    await template(forge, 'tpl-new', { pin: '2.0.0' })
    const run = await runAction(inputsFor(forge, 'tpl-typo tpl-new', { downgrade: 'fail' }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs['retryable-templates']).toBe('')
    expect(stepError(run.stdout)).toEqual([
      '::error::2 of 2 template(s) failed. acme/tpl-typo: check the name: the forge has no such repository or branch, or the token cannot see it. acme/tpl-new: it pins a newer version and `downgrade: fail` refused it, as asked: set `downgrade: allow` to write the older one.'
    ])
    expect(run.summary).toContain('**Not found** (acme/tpl-typo)')
    expect(run.summary).toContain('**Refused by downgrade: fail** (acme/tpl-new)')
  })
})
