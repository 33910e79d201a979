import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { history, inputsFor, resultFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge

/** Faults of the forge's API: one run over templates that each meet one, and an `it` for each. */
describe('forge API faults', () => {
  let run: ActionRun
  let downBefore: string[]
  const asked = (name: string) => forge.requests.filter((r) => r.kind === 'api' && r.repo === `acme/${name}`)
  beforeAll(async () => {
    forge = await TestForge.start()
    for (const name of ['burst', 'down', 'reset', 'forbidden', 'fine']) await template(forge, name)
    await template(forge, 'probe-500', { workflow: false }) // one probe path errors, the others are absent
    downBefore = await history(forge, 'acme/down')
    forge.fault({ kind: 'api', path: /\/repos\/acme\/burst$/ }, { status: 502 }, 2)
    forge.fault(
      { kind: 'api', repo: 'acme/down' },
      { status: 503, body: { message: 'Service Unavailable: maintenance' } }
    )
    forge.fault({ kind: 'api', repo: 'acme/reset', path: /contents\/\.runtime-version/ }, 'reset', 1)
    forge.fault(
      { kind: 'api', repo: 'acme/forbidden' },
      { status: 403, body: { message: 'token does not have at least one of required scope(s): [read:repository]' } }
    )
    forge.fault({ kind: 'api', repo: 'acme/probe-500', path: /\.gitea\/workflows/ }, { status: 500 })
    run = await runAction(inputsFor(forge, 'burst down reset forbidden probe-500 fine'))
  })
  afterAll(() => forge.close())

  it('retries a burst of 502s that then clears', async () => {
    expect(resultFor(run, 'burst').status).toBe('updated')
    expect(asked('burst').filter((r) => /\/repos\/acme\/burst$/.test(r.path))).toHaveLength(3)
    expect(run.stdout).toMatch(/GET \/repos\/acme\/burst: HTTP 502: injected 502; retry 1 in/)
  })

  it('a 503 that never clears fails that template after bounded attempts, with the status and message, nothing written', async () => {
    expect(resultFor(run, 'down')).toMatchObject({
      status: 'failed',
      reason: 'repository lookup failed: HTTP 503: Service Unavailable: maintenance (after 4 attempts)'
    })
    expect(asked('down').filter((r) => /\/repos\/acme\/down$/.test(r.path))).toHaveLength(4)
    expect(asked('down').length).toBeLessThanOrEqual(8)
    expect(await history(forge, 'acme/down')).toEqual(downBefore)
  })

  it('retries a connection reset', async () => {
    expect(resultFor(run, 'reset').status).toBe('updated')
    expect(run.stdout).toMatch(/connection failed \(ECONNRESET\); retry 1/)
  })

  it('a 403 stays with its template and is not retried', async () => {
    expect(resultFor(run, 'forbidden').reason).toBe(
      'repository lookup failed: HTTP 403: token does not have at least one of required scope(s): [read:repository]'
    )
    const paths = asked('forbidden').map((r) => r.path)
    expect(new Set(paths).size).toBe(paths.length)
  })

  it('a probe that errors fails the template instead of skipping it', async () => {
    expect(resultFor(run, 'probe-500')).toMatchObject({
      status: 'failed',
      reason: 'probe failed: HTTP 500: injected 500 (after 4 attempts)'
    })
  })

  it('the others update all the same, and the step fails naming the failed ones', async () => {
    expect(resultFor(run, 'fine').status).toBe('updated')
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failed-templates']).toBe('acme/down acme/forbidden acme/probe-500')
  })
})

describe('forge API timing', () => {
  forgeForEachTest((f) => (forge = f))

  it('an endpoint that hangs costs at most timeout × attempts, then fails saying it timed out', async () => {
    const hung = await template(forge, 'tpl-hung')
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', repo: hung }, 'hang')
    const run = await runAction(inputsFor(forge, 'tpl-hung tpl-a', { 'request-timeout-ms': '300' }))
    const [hungResult, aResult] = resultsOf(run.outputs)
    expect(hungResult).toMatchObject({
      status: 'failed',
      reason: 'repository lookup failed: timed out after 0.3 s (after 4 attempts)'
    })
    expect(forge.count({ kind: 'api', path: /\/repos\/acme\/tpl-hung$/ })).toBe(4)
    expect(aResult.status).toBe('updated')
  })

  it('honours Retry-After on a 429', async () => {
    const a = await template(forge, 'tpl-a')
    forge.fault(
      { kind: 'api', repo: a, path: /\/repos\/acme\/tpl-a$/ },
      { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'rate limited' } },
      1
    )
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    const lookups = forge.requests.filter((r) => r.kind === 'api' && /\/repos\/acme\/tpl-a$/.test(r.path))
    expect(lookups).toHaveLength(2)
    // retry-delay-ms is 20 here: only Retry-After explains a wait of about a second.
    expect(lookups[1].at - lookups[0].at).toBeGreaterThanOrEqual(950)
  })
})
