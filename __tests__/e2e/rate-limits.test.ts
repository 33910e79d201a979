import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { annotations, gitRequests, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge

describe('GitHub rate limits', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'github' })

  it('a primary limit that resets soon is waited out, once for all templates', async () => {
    for (const name of ['t1', 't2', 't3']) await template(forge, name)
    forge.github.exhaust(2)
    const resetAt = forge.github.resetAt * 1000
    const run = await runAction(inputsFor(forge, 't1 t2 t3'))
    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'acme/t1': 'updated', 'acme/t2': 'updated', 'acme/t3': 'updated' })
    // Refused once, then silence until the quota returned: nobody kept asking.
    const refused = forge.requests.filter((r) => r.status === 403)
    expect(refused.length).toBeGreaterThan(0)
    const lastRefusal = Math.max(...refused.map((r) => r.at))
    const asked = forge.requests.filter((r) => r.kind === 'api' && !r.path.endsWith('/rate_limit'))
    expect(asked.filter((r) => r.at > lastRefusal && r.at < resetAt - 100)).toEqual([])
    // The quota was back before the first write: the estimate then says so, without a warning.
    expect(annotations(run.stdout, 'warning')).toEqual([])
    expect(run.stdout).toMatch(/GitHub quota: .*3 template\(s\) to pin: about 3 REST request\(s\) \(\d+ of 5000 left/)
  })

  it('more requests expected than are left: said before the first write, and the run does what it said', async () => {
    for (const name of ['t1', 't2', 't3']) await template(forge, name)
    // The token check spends one: two left for three writes, and the reset an hour away.
    forge.github.remaining = 3
    const run = await runAction(inputsFor(forge, 't1 t2 t3', { concurrency: '1', transport: 'api' }))
    expect(annotations(run.stdout, 'warning')).toEqual([
      expect.stringMatching(
        /^::warning::GitHub quota: the look-up took 1 GraphQL point\(s\) in 1 query \(4999 of 5000 left\); 3 template\(s\) to pin: about 3 REST request\(s\) \(2 of 5000 left until \S+\)\. That is more than is left: the run pins until the quota runs out, waits for it for up to rate-limit-wait \(300 s\), and past that stops; the templates not done are listed in failed-templates/
      )
    ])
    expect(statusOf(run.outputs)).toEqual({ 'acme/t1': 'updated', 'acme/t2': 'updated', 'acme/t3': 'failed' })
    expect(run.outputs['failed-templates']).toBe('acme/t3')
    expect(run.exitCode).toBe(1)
  })

  it('a primary limit further away than rate-limit-wait stops the run with one error; the rest are "not attempted: rate limit"', async () => {
    for (const name of ['t1', 't2', 't3', 't4', 't5', 't6']) await template(forge, name)
    forge.github.exhaust(3600)
    const run = await runAction(inputsFor(forge, 't1 t2 t3 t4 t5 t6', { concurrency: '2' }))
    expect(run.exitCode).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      expect.stringMatching(
        /^::error::GitHub API rate limit exhausted: the quota returns at \S+Z \(in about 60 min\), later than rate-limit-wait \(300 s\) allows/
      )
    ])
    const reasons = resultsOf(run.outputs).map((r) => r.reason)
    expect(reasons.filter((r) => r === 'not attempted: rate limit').length).toBeGreaterThanOrEqual(4)
    expect(reasons.every((r) => /rate limit/.test(r))).toBe(true)
    expect(run.outputs['failed-templates']).toBe('acme/t1 acme/t2 acme/t3 acme/t4 acme/t5 acme/t6')
    expect(gitRequests(forge)).toBe(0)
  })

  it('a secondary limit is waited out (Retry-After) and fewer requests go out at once after it', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `t${i + 1}`)
    for (const name of names) await template(forge, name)
    forge.latencyMs = 60
    // The first write meets the limit (the token check and the GraphQL look-up before it do not).
    forge.before({ kind: 'api', method: 'PUT' }, async () => forge.github.secondary(1, 1))
    const run = await runAction(inputsFor(forge, names.join(' '), { concurrency: '6' }))
    expect(run.exitCode).toBe(0)
    const limitedAt = forge.requests.find((r) => r.status === 403)!.doneAt!
    const peak = (from: number, to: number) => {
      const api = forge.requests.filter((r) => r.kind === 'api' && r.at >= from && r.at < to)
      return Math.max(...api.map((r) => api.filter((o) => o.at <= r.at && (o.doneAt ?? Infinity) > r.at).length))
    }
    const before = peak(0, limitedAt)
    const after = peak(limitedAt + 900, Infinity)
    expect(before).toBeGreaterThanOrEqual(4)
    expect(after).toBeLessThanOrEqual(Math.floor(before / 2))
    expect(run.stdout).toMatch(/GitHub secondary rate limit; waiting until/)
  })

  it('a secondary limit without Retry-After means a minute: past rate-limit-wait, the run stops and says when', async () => {
    await template(forge, 't1')
    forge.github.secondary(10)
    const run = await runAction(inputsFor(forge, 't1', { 'rate-limit-wait': '30' }))
    expect(run.exitCode).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      expect.stringMatching(
        /^::error::GitHub secondary rate limit: the quota returns at .*\(in about 1 min\), later than rate-limit-wait \(30 s\)/
      )
    ])
    // Stopped at the token check, not waited out: nothing asked of any template.
    expect(
      forge.requests
        .filter((r) => r.kind === 'api')
        .map((r) => r.path)
        .sort()
    ).toEqual(['/api/v3/rate_limit', '/api/v3/user'])
  })
})
