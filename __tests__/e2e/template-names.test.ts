import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForBlock } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge
forgeForBlock((f) => (forge = f), { flavour: 'gitea-1.25' })

describe('templates named as they are copied', () => {
  it('owner/repo.git and https://<this forge>/owner/repo are the repositories they name', async () => {
    await template(forge, 'tpl-a')
    await template(forge, 'tpl-b')
    const run = await runAction(inputsFor(forge, `acme/tpl-a.git ${forge.url}/acme/tpl-b`))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs).map((r) => [r.template, r.status])).toEqual([
      ['acme/tpl-a', 'updated'],
      ['acme/tpl-b', 'updated']
    ])
  })

  it('a URL on another forge is refused before any request', async () => {
    const before = forge.requests.length
    const run = await runAction(inputsFor(forge, 'https://github.com/acme/tpl-a'))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('is on another host (github.com), not on this forge')
    expect(forge.requests.length).toBe(before)
  })
})

describe('a version written with a "v" the pins do not have', () => {
  it('is written only when meant; check mode warns once, with examples, the other way', async () => {
    await template(forge, 'tpl-v1', { pin: '1.2.2' })
    await template(forge, 'tpl-v2', { pin: '1.2.2' })
    const refused = await runAction(inputsFor(forge, 'tpl-v1 tpl-v2', { version: 'v1.2.3' }))
    expect(refused.exitCode).toBe(1)
    expect(refused.outputs['failed-templates']).toBe('acme/tpl-v1 acme/tpl-v2')
    const run = await runAction(inputsFor(forge, 'tpl-v1 tpl-v2', { version: 'v1.2.3', 'allow-prefix-change': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toContain('runtime cascade%3A version prefix')
    const check = await runAction(inputsFor(forge, 'tpl-v1', { version: '1.2.3', mode: 'check' }))
    expect(check.stdout).toContain(
      `version 1.2.3 has no "v" prefix, and the templates' pins did (acme/tpl-v1 pinned v1.2.3)`
    )
  })
})
