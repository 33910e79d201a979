import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

const git = { transport: 'git' }

let forge: TestForge

describe('GitHub tokens', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'github' })

  it.each(['app', 'runner'] as const)(
    'a %s token that the API shows without push permission still pins: the write decides',
    async (kind) => {
      forge.github.tokenKind = kind
      const t = await template(forge, 'tpl-a')
      const run = await runAction(inputsFor(forge, 'tpl-a', git))
      expect(run.exitCode).toBe(0)
      expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
      expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
    }
  )

  it('a token that really lacks write access fails saying so, with what the forge said, through either transport', async () => {
    forge.github.tokenKind = 'app'
    await template(forge, 'tpl-a', { readOnly: true })
    const viaGit = await runAction(inputsFor(forge, 'tpl-a', git))
    expect(resultsOf(viaGit.outputs)[0].reason).toMatch(
      /^the token lacks write access to this repository \(the forge said: Permission to acme\/tpl-a\.git denied to cascade-bot\.; .*403/
    )
    const viaApi = await runAction(inputsFor(forge, 'tpl-a', { transport: 'api' }))
    expect(resultsOf(viaApi.outputs)[0]).toMatchObject({
      status: 'failed',
      reason:
        'the token lacks write access to this repository (the forge said: HTTP 403: Resource not accessible by integration)'
    })
  })
})
