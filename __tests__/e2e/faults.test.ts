import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, history, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

const PIN = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'

let forge: TestForge
beforeEach(async () => {
  forge = await TestForge.start()
})
afterEach(async () => {
  await forge.close()
})

/** The branch holds its previous state or exactly one pin commit on top of all that was there. */
async function intact(fullName: string, before: string[]): Promise<void> {
  const now = (await history(forge, fullName)).map((l) => l.split('|')[2])
  const old = before.map((l) => l.split('|')[2])
  if (now.length === old.length) expect(now).toEqual(old)
  else expect(now).toEqual([PIN, ...old])
}

describe('forge API faults', () => {
  it('retries a burst of 502s that then clears', async () => {
    const a = await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', repo: a, path: /\/repos\/acme\/tpl-a$/ }, { status: 502 }, 2)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(forge.count({ kind: 'api', path: /\/repos\/acme\/tpl-a$/ })).toBe(3)
    expect(run.stdout).toMatch(/HTTP 502: injected 502; retry 1 in/)
  })

  it('a 503 that never clears fails that template after bounded attempts, with the status and message; others update', async () => {
    const down = await template(forge, 'tpl-down')
    const before = await history(forge, down)
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', repo: down }, { status: 503, body: { message: 'Service Unavailable: maintenance' } })
    const run = await runAction(inputsFor(forge, 'tpl-down tpl-a'))
    expect(run.exitCode).toBe(1)
    const [downResult, aResult] = resultsOf(run.outputs)
    expect(downResult.status).toBe('failed')
    expect(downResult.reason).toBe(
      'repository lookup failed: HTTP 503: Service Unavailable: maintenance (after 4 attempts)'
    )
    expect(forge.count({ kind: 'api', path: /\/repos\/acme\/tpl-down$/ })).toBe(4)
    expect(aResult.status).toBe('updated')
    await intact(down, before)
  })

  it('retries a connection reset', async () => {
    const a = await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', repo: a, path: /contents\/\.runtime-version/ }, 'reset', 1)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(run.stdout).toMatch(/connection failed \(ECONNRESET\); retry 1/)
  })

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
    // 4 × 0.3 s plus 3 short backoffs; a generous bound that only a hang would break.
    expect(run.ms).toBeLessThan(15000)
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

  it('a 401 stops the whole run at once with one clear error and no retries', async () => {
    for (const name of ['t1', 't2', 't3', 't4', 't5', 't6']) await template(forge, name)
    const run = await runAction(
      inputsFor(forge, 't1 t2 t3 t4 t5 t6', { token: 'gta_expired_0000000000', concurrency: '2' })
    )
    expect(run.exitCode).toBe(1)
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toEqual([
      `::error::the token was rejected by ${forge.url} (HTTP 401): it is wrong, expired or revoked. Mint a new token with write access to every template and update the secret.`
    ])
    // Only the two templates already in flight were asked about, each request once.
    const api = forge.requests.filter((r) => r.kind === 'api')
    expect(new Set(api.map((r) => r.repo)).size).toBeLessThanOrEqual(2)
    expect(new Set(api.map((r) => r.path)).size).toBe(api.length)
    expect(forge.count({ kind: 'git' })).toBe(0)
    expect(run.outputs['failed-templates']).toBe('acme/t1 acme/t2 acme/t3 acme/t4 acme/t5 acme/t6')
  })

  it('a 403 stays with its template and is not retried', async () => {
    const a = await template(forge, 'tpl-a')
    await template(forge, 'tpl-b')
    forge.fault(
      { kind: 'api', repo: a },
      { status: 403, body: { message: 'token does not have at least one of required scope(s): [read:repository]' } }
    )
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b'))
    const [aResult, bResult] = resultsOf(run.outputs)
    expect(aResult.reason).toBe(
      'repository lookup failed: HTTP 403: token does not have at least one of required scope(s): [read:repository]'
    )
    const asked = forge.requests.filter((r) => r.kind === 'api' && r.repo === a).map((r) => r.path)
    expect(new Set(asked).size).toBe(asked.length) // nothing retried
    expect(bResult.status).toBe('updated')
  })

  it('a probe that errors fails the template instead of skipping it', async () => {
    const a = await template(forge, 'tpl-a', { workflow: false })
    forge.fault({ kind: 'api', repo: a, path: /\.gitea\/workflows/ }, { status: 500 })
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'failed',
      reason: 'probe failed: HTTP 500: injected 500 (after 4 attempts)'
    })
  })

  it('a 2xx that is not JSON fails closed', async () => {
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', path: /\/repos\/acme\/tpl-a$/ }, { status: 200, body: '<html>login</html>' })
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed' })
  })
})

describe('git faults', () => {
  it('retries transient 502s on the clone within max-attempts', async () => {
    const a = await template(forge, 'tpl-a')
    forge.fault({ kind: 'git', repo: a, service: 'upload-pack', phase: 'rpc' }, { status: 502 }, 2)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 1 })
    expect(await fileAt(forge, a, '.runtime-version')).toBe('1.2.3\n')
  })

  it('gives up on a clone that keeps failing after max-attempts, leaving the branch as it was', async () => {
    const a = await template(forge, 'tpl-a')
    const before = await history(forge, a)
    forge.fault({ kind: 'git', repo: a, service: 'upload-pack' }, { status: 503 })
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'max-attempts': '2' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed', attempts: 0 })
    expect(resultsOf(run.outputs)[0].reason).toMatch(/^gave up after 2 attempts: .*503/)
    expect(forge.count({ kind: 'git', repo: a, service: 'upload-pack', phase: 'advertise' })).toBe(2)
    await intact(a, before)
  })

  it('retries a push that failed with a 502, ending with exactly one pin commit', async () => {
    const a = await template(forge, 'tpl-a')
    const before = await history(forge, a)
    forge.fault({ kind: 'git', repo: a, service: 'receive-pack', phase: 'rpc' }, { status: 502 }, 1)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 2 })
    expect(run.stdout).toMatch(/transient: .*502/)
    expect(await history(forge, a)).toHaveLength(before.length + 1)
    await intact(a, before)
  })

  it('survives resets on every push request, ending with exactly one pin commit', async () => {
    const a = await template(forge, 'tpl-a')
    const before = await history(forge, a)
    // curl itself resends a request whose reused connection was reset; two resets beat that.
    forge.fault({ kind: 'git', repo: a, service: 'receive-pack' }, 'reset', 2)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(await history(forge, a)).toHaveLength(before.length + 1)
    await intact(a, before)
  })

  it('a push that landed but whose answer was lost is recognised, not pushed twice', async () => {
    const a = await template(forge, 'tpl-a')
    const before = await history(forge, a)
    forge.fault({ kind: 'git', repo: a, service: 'receive-pack', phase: 'rpc' }, 'swallow', 1)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe('updated')
    expect(result.reason).toMatch(/the interrupted push had landed/)
    expect(result.commit).toBe(await forge.store.resolve(forge.repo(a), 'refs/heads/main'))
    expect(await history(forge, a)).toHaveLength(before.length + 1)
  })

  it('a git server that hangs cannot hang the job', async () => {
    const a = await template(forge, 'tpl-hang')
    await template(forge, 'tpl-b')
    forge.fault({ kind: 'git', repo: a }, 'hang')
    const run = await runAction(inputsFor(forge, 'tpl-hang tpl-b', { 'git-timeout-ms': '2000', 'max-attempts': '2' }))
    const [hung, b] = resultsOf(run.outputs)
    expect(hung.status).toBe('failed')
    expect(hung.reason).toMatch(/^gave up after 2 attempts: .*(too slow|timed out)/i)
    expect(b.status).toBe('updated')
    expect(run.ms).toBeLessThan(20000)
  })

  it('fails with the git error when the repository disappears between lookup and clone', async () => {
    const gone = await template(forge, 'tpl-gone')
    await template(forge, 'tpl-a')
    forge.before({ kind: 'git', repo: gone }, async () => forge.store.remove(forge.repo(gone)))
    const run = await runAction(inputsFor(forge, 'tpl-gone tpl-a'))
    const [goneResult, aResult] = resultsOf(run.outputs)
    expect(goneResult).toMatchObject({ status: 'failed', attempts: 0 })
    expect(goneResult.reason).toMatch(/^repository not found by git/)
    expect(forge.count({ kind: 'git', repo: gone })).toBe(1) // not retried
    expect(aResult.status).toBe('updated')
  })

  it('a ref that moves between the advertisement and the update is a race: replayed, both commits kept', async () => {
    const a = await template(forge, 'tpl-a')
    forge.before({ repo: a, service: 'receive-pack', phase: 'rpc' }, async () => {
      await forge.store.commit(forge.repo(a), { 'late.txt': 'late\n' }, 'feat: landed mid-push')
    })
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 2 })
    expect(run.stdout).toMatch(/race: .*(failed to update ref|failed to lock|cannot lock ref)/)
    expect((await history(forge, a)).map((l) => l.split('|')[2])).toEqual([
      PIN,
      'feat: landed mid-push',
      'initial commit'
    ])
  })

  it('a push refused for permission is final, with no retry', async () => {
    const a = await template(forge, 'tpl-a')
    forge.fault(
      { kind: 'git', repo: a, service: 'receive-pack' },
      { status: 403, body: 'User permission denied for writing.' }
    )
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    const [result] = resultsOf(run.outputs)
    expect(result).toMatchObject({ status: 'failed', attempts: 1 })
    expect(result.reason).toMatch(/^the token lacks write access to this repository \(the forge said: .*403/)
  })

  it('git refused with a 401 fails at once: no prompt to hang on, no retry', async () => {
    const a = await template(forge, 'tpl-a')
    await template(forge, 'tpl-b')
    forge.fault(
      { kind: 'git', repo: a },
      { status: 401, body: 'Unauthorized', headers: { 'WWW-Authenticate': 'Basic realm="Gitea"' } }
    )
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b', { 'git-timeout-ms': '60000' }))
    const [aResult, bResult] = resultsOf(run.outputs)
    expect(aResult).toMatchObject({ status: 'failed', attempts: 0 })
    expect(aResult.reason).toMatch(/^authentication or permission failure: /)
    expect(forge.count({ kind: 'git', repo: a })).toBe(1)
    expect(bResult.status).toBe('updated')
    expect(run.ms).toBeLessThan(15000) // a prompt would wait for the 60 s deadline
  })
})
