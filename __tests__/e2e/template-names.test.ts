import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge
beforeAll(async () => {
  forge = await TestForge.start({ flavour: 'gitea-1.25' })
})
afterAll(() => forge.close())

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
    expect(run.stdout).toContain('is not on this forge')
    expect(forge.requests.length).toBe(before)
  })
})
