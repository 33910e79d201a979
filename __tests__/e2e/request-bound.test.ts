import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge
afterEach(() => forge.close())

describe('one template, a bounded number of requests', () => {
  it.each(['github', 'gitea-1.25'] as const)(
    '%s: every write answered with a fresh conflict, pull-request mode, max-attempts 10: failed, under 60 requests',
    async (flavour) => {
      forge = await TestForge.start({ flavour })
      await template(forge, 'tpl-a', { protectBranch: 'main' })
      const conflict =
        flavour === 'github'
          ? { status: 409, body: { message: 'is at 1111111 but expected 2222222', status: '409' } }
          : { status: 422, body: { message: 'sha does not match [given: a, expected: b]', url: '' } }
      forge.fault({ kind: 'api', method: 'PUT', path: /\/contents\// }, conflict)
      const run = await runAction(
        inputsFor(forge, 'tpl-a', { mode: 'pull-request', transport: 'api', 'max-attempts': '10' })
      )
      expect(run.exitCode).toBe(1)
      expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed', attempts: 10 })
      expect(resultsOf(run.outputs)[0].reason).toMatch(/^gave up after 10 writes: HTTP (409|422)/)
      expect(forge.count({ kind: 'api', repo: 'acme/tpl-a' })).toBeLessThanOrEqual(60)
    }
  )
})
