import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, template } from '../../test-support/scenario.js'

let forge: TestForge
beforeAll(async () => {
  forge = await TestForge.start()
  await template(forge, 'tpl-a')
})
afterAll(async () => {
  await forge.close()
})

describe('bad inputs stop the run before any network call', () => {
  it('no token: says why the runner’s own token will not do', async () => {
    const run = await runAction({ ...inputsFor(forge, 'tpl-a'), token: '' })
    expect(run.stdout).toMatch(
      /runner's own token will not do: it cannot push to other repositories, and on GitHub the pushes it makes start no workflows/
    )
  })

  it.each([
    ['a version with a newline', { version: '1.2.3\nmalicious' }, 'version: "1.2.3\\nmalicious" is not a version'],
    ['a template with a slash too many', { templates: 'acme/x/y' }, 'templates: "acme/x/y" is not repo or owner/repo'],
    ['no token', { token: '' }, 'token: required'],
    // No forge merges a draft: refused before any request on every forge (GitHub 405 "Pull Request is still a draft").
    [
      'a draft with auto-merge',
      { mode: 'pull-request', 'pr-draft': 'true', 'auto-merge': 'merge' },
      'pr-draft and auto-merge cannot go together: no forge merges a draft'
    ]
  ])('%s', async (_what, bad, message) => {
    const before = forge.requests.length
    const run = await runAction({ ...inputsFor(forge, 'tpl-a'), ...bad })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`::error::${message.replace(/\n/g, '%0A')}`)
    expect(forge.requests.length).toBe(before)
    expect(run.outputs).toEqual({})
  })
})
