import type { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import {
  annotations,
  apiWrites,
  history,
  inputsFor,
  resultFor,
  resultsOf,
  template
} from '../../test-support/scenario.js'

/**
 * GitHub Enterprise Server is not github.com: rate limits are off by default (no x-ratelimit-*
 * headers, GET /rate_limit 404 "Rate limiting is not enabled."), and it signs no API commit
 * (forge-facts.md; docs "Rate limits for the REST API" and "Signature verification for bots").
 */
let forge: TestForge

describe('GitHub Enterprise Server with its defaults', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'ghes' })

  it("80 templates through the API: all pinned through it, none waiting on github.com's budget", async () => {
    const names = Array.from({ length: 80 }, (_, i) => `t${String(i).padStart(2, '0')}`)
    for (const name of names) await template(forge, name)
    const run = await runAction(inputsFor(forge, names.join(' '), { transport: 'api', concurrency: '8' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs).every((r) => r.status === 'updated')).toBe(true)
    expect(apiWrites(forge, undefined, /\/contents\//)).toHaveLength(80)
    expect(run.stdout).toContain('token accepted by GitHub Enterprise Server 3.19.1')
    expect(run.stdout).toContain('it announces no rate limits')
    expect(run.stdout).not.toContain('content-creation budget')
  })

  it('signs no API commit: by default the author is the one given, and require stops before any write', async () => {
    await template(forge, 'tpl-a', {})
    forge.github.tokenKind = 'app'
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultFor(run, 'tpl-a')).toMatchObject({ status: 'updated', verified: false })
    expect((await history(forge, 'acme/tpl-a'))[0]).toMatch(/^publish-runtime cascade </)
    await template(forge, 'tpl-b')
    const required = await runAction(inputsFor(forge, 'tpl-b', { 'commit-signing': 'require' }))
    expect(required.exitCode).toBe(1)
    expect(annotations(required.stdout, 'error').join('\n')).toContain(
      'commit-signing: require cannot hold on GitHub Enterprise Server 3.19.1: it signs only commits made in its web interface'
    )
    expect(apiWrites(forge, 'acme/tpl-b')).toEqual([])
  })
})

describe('commit-signing: require reads what the write answered', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'github' })

  it("a user's token (unsigned on github.com): the template fails, saying the commit landed unsigned and where", async () => {
    await template(forge, 'tpl-a')
    forge.github.tokenKind = 'pat'
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'commit-signing': 'require' }))
    expect(run.exitCode).toBe(1)
    const r = resultFor(run, 'tpl-a')
    expect(r).toMatchObject({ status: 'failed', verified: false })
    expect(r.reason).toMatch(
      /^pinned 1\.2\.3 \(was 0\.1\.0\); but the commit landed unsigned: [0-9a-f]{12} on main \(commit-signing: require\)$/
    )
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/)
  })

  it("an App's token: signed, updated", async () => {
    await template(forge, 'tpl-a')
    forge.github.tokenKind = 'app'
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'commit-signing': 'require' }))
    expect(resultFor(run, 'tpl-a')).toMatchObject({ status: 'updated', verified: true })
  })
})
