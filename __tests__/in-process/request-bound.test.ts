import { RequestBudget } from '../../src/forge/request-budget.js'
import { ApiLander } from '../../src/landing/api-lander.js'
import { judgePins } from '../../src/pins/pin-judgement.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { apiFor } from '../../test-support/in-process-api.js'
import { inputsFor, template } from '../../test-support/scenario.js'

// The safety net under every loop: a template's REST requests are counted in the forge client,
// and past the bound the template stops, naming the last answer, whatever the forge says.
let forge: TestForge
afterEach(() => forge.close())

/** An ApiLander wired as main.ts wires it, against the test forge, with the run's inputs. */
function lander(inputs: Record<string, string>) {
  const { settings, api, transport } = apiFor(inputs)
  const signal = new AbortController().signal
  return { settings, api, transport, land: new ApiLander({ api, settings, signal, pace: async () => 'ok' }) }
}

describe('the request bound', () => {
  it('a forge that answers every write with a fresh conflict: stopped at the bound, naming the last answer', async () => {
    forge = await TestForge.start({ flavour: 'gitea-1.25' })
    const t = await template(forge, 'tpl-a')
    forge.fault(
      { kind: 'api', method: 'PUT', path: /\/contents\// },
      { status: 422, body: { message: 'sha does not match [given: a, expected: b]', url: '' } }
    )
    const { settings, api, transport, land } = lander(inputsFor(forge, 'tpl-a', { 'max-attempts': '10' }))
    const read = await api.file('acme', 'tpl-a', '.runtime-version', undefined)
    const budget = new RequestBudget(12)
    const before = forge.count({ kind: 'api', repo: t })
    const landing = land.land({
      owner: 'acme',
      repo: 'tpl-a',
      base: 'main',
      reads: new Map([['.runtime-version', read]]),
      judge: (reads) => judgePins(reads, settings),
      budget,
      log: () => {}
    })
    await expect(landing).rejects.toThrow(
      /^stopped after 12 requests: the forge's answers did not converge \(the last refusal: PUT \/repos\/acme\/tpl-a\/contents\/\.runtime-version: HTTP 422: sha does not match \[given: a, expected: b\]\)$/
    )
    expect(forge.count({ kind: 'api', repo: t }) - before).toBe(12)
    transport.dispose()
  })
})
