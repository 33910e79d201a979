import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { annotations, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge

describe('a forge in trouble', () => {
  forgeForEachTest((f) => (forge = f))

  it('20 templates against an API answering 503: stops starting them, ends in seconds, about 24 requests in all', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`)
    for (const name of names) await template(forge, name)
    forge.fault({ kind: 'api', path: /\/repos\// }, { status: 503, body: { message: 'Service Unavailable' } })
    const run = await runAction(inputsFor(forge, names.join(' ')))
    expect(run.exitCode).toBe(1)
    expect(forge.count({ kind: 'api' })).toBeLessThanOrEqual(24)
    const reasons = resultsOf(run.outputs).map((r) => r.reason)
    expect(
      reasons.filter((r) => r === 'not attempted: the forge is failing (HTTP 503: Service Unavailable)').length
    ).toBeGreaterThanOrEqual(15)
    expect(annotations(run.stdout, 'error')).toEqual([
      expect.stringMatching(
        /^::error::the forge at .* is failing: the last \d+ requests failed \(HTTP 503: Service Unavailable\)/
      )
    ])
    expect(run.outputs['failed-templates'].split(' ')).toHaveLength(20)
  })

  it('a forge down before the first template: the token check is all it costs', async () => {
    await template(forge, 't1')
    forge.fault({ kind: 'api' }, { status: 502 })
    const run = await runAction(inputsFor(forge, 't1'))
    expect(run.exitCode).toBe(1)
    expect(forge.count({ kind: 'api' })).toBeLessThanOrEqual(5)
    expect(resultsOf(run.outputs)[0].reason).toMatch(/^not attempted: the forge is failing \(HTTP 502/)
  })

  it('two broken repositories among healthy ones are not a failing forge: every other template is worked on', async () => {
    for (const name of ['broken1', 'broken2', 't1', 't2', 't3', 't4']) await template(forge, name)
    for (const repo of ['acme/broken1', 'acme/broken2'])
      forge.fault({ kind: 'api', repo }, { status: 503, body: { message: 'down' } })
    const run = await runAction(inputsFor(forge, 'broken1 broken2 t1 t2 t3 t4', { concurrency: '2' }))
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual([
      'failed',
      'failed',
      'updated',
      'updated',
      'updated',
      'updated'
    ])
    expect(run.stdout).not.toMatch(/the forge is failing/)
  })

  it('one template whose API answers 503 forever costs at most 8 requests; the others are fine', async () => {
    const down = await template(forge, 'tpl-down')
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', repo: down }, { status: 503, body: { message: 'maintenance' } })
    const run = await runAction(inputsFor(forge, 'tpl-down tpl-a', { concurrency: '1' }))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-down': 'failed', 'acme/tpl-a': 'updated' })
    expect(forge.count({ kind: 'api', repo: down })).toBeLessThanOrEqual(8)
    expect(resultsOf(run.outputs)[0].reason).toBe('repository lookup failed: HTTP 503: maintenance (after 4 attempts)')
  })
})
