import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { fileAt, gitRequests, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error'))
const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::warning'))
const git = { transport: 'git' }

let forge: TestForge

describe('GitHub tokens', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
  })
  afterEach(() => forge.close())

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

describe('GitHub rate limits', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
  })
  afterEach(() => forge.close())

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
    expect(warnings(run.stdout)).toEqual([expect.stringMatching(/GitHub API quota: 0 of 5000 requests left/)])
  })

  it('a primary limit further away than rate-limit-wait stops the run with one error; the rest are "not attempted: rate limit"', async () => {
    for (const name of ['t1', 't2', 't3', 't4', 't5', 't6']) await template(forge, name)
    forge.github.exhaust(3600)
    const run = await runAction(inputsFor(forge, 't1 t2 t3 t4 t5 t6', { concurrency: '2' }))
    expect(run.exitCode).toBe(1)
    expect(errors(run.stdout)).toEqual([
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
    for (const name of ['t1', 't2', 't3', 't4', 't5', 't6']) await template(forge, name)
    forge.latencyMs = 60
    // The first template request meets the limit (the token check before it does not).
    forge.before({ kind: 'api', path: /\/repos\// }, async () => forge.github.secondary(1, 1))
    const run = await runAction(inputsFor(forge, 't1 t2 t3 t4 t5 t6', { concurrency: '3' }))
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
    expect(errors(run.stdout)).toEqual([
      expect.stringMatching(
        /^::error::GitHub secondary rate limit: the quota returns at .*\(in about 1 min\), later than rate-limit-wait \(30 s\)/
      )
    ])
    expect(run.ms).toBeLessThan(15000)
  })
})

describe('a forge in trouble', () => {
  beforeEach(async () => {
    forge = await TestForge.start()
  })
  afterEach(() => forge.close())

  it('20 templates against an API answering 503: stops starting them, ends in seconds, about 24 requests in all', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`)
    for (const name of names) await template(forge, name)
    forge.fault({ kind: 'api', path: /\/repos\// }, { status: 503, body: { message: 'Service Unavailable' } })
    const run = await runAction(inputsFor(forge, names.join(' ')))
    expect(run.exitCode).toBe(1)
    expect(forge.count({ kind: 'api' })).toBeLessThanOrEqual(24)
    expect(run.ms).toBeLessThan(10000)
    const reasons = resultsOf(run.outputs).map((r) => r.reason)
    expect(
      reasons.filter((r) => r === 'not attempted: the forge is failing (HTTP 503: Service Unavailable)').length
    ).toBeGreaterThanOrEqual(15)
    expect(errors(run.stdout)).toEqual([
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

describe('the machine and the runner', () => {
  let bin: string
  beforeEach(async () => {
    forge = await TestForge.start()
    bin = await mkdtemp(join(tmpdir(), 'bin-'))
  })
  afterEach(() => forge.close())
  afterEach(async () => {
    await rm(bin, { recursive: true, force: true })
  })

  it.each([
    ['missing', null, 'git is not installed (no git on PATH)'],
    ['too old', 'git version 2.30.2', 'git 2.30.2 is too old: 2.31.0 or later is needed (GIT_CONFIG_COUNT)']
  ])('git %s: one clear error before any request', async (_what, says, reason) => {
    await template(forge, 't1')
    await template(forge, 't2')
    if (says) {
      await writeFile(join(bin, 'git'), `#!/bin/sh\necho "${says}"\n`)
      await chmod(join(bin, 'git'), 0o755)
    }
    const run = await runAction(inputsFor(forge, 't1 t2', git), { PATH: bin })
    expect(run.exitCode).toBe(1)
    expect(errors(run.stdout)).toEqual([`::error::${reason}: the git transport cannot run`])
    expect(resultsOf(run.outputs).map((r) => r.reason)).toEqual([
      `not attempted: ${reason}`,
      `not attempted: ${reason}`
    ])
    expect(forge.requests).toHaveLength(0)
  })

  it('a runner that passes ${{ }} defaults through unevaluated falls back to the GITHUB_* variables', async () => {
    const t = await template(forge, 'tpl-a')
    const inputs = {
      ...inputsFor(forge, 'tpl-a'),
      owner: '${{ github.repository_owner }}',
      'server-url': '${{ github.server_url }}',
      'api-url': '${{ github.api_url }}'
    }
    const run = await runAction(inputs, {
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SERVER_URL: forge.url,
      GITHUB_API_URL: forge.apiUrl
    })
    expect(run.exitCode).toBe(0)
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })
})

describe('answers that are not what they should be', () => {
  let run: ActionRun
  const result = (name: string) => resultsOf(run.outputs).find((r) => r.template === `acme/${name}`)!
  beforeAll(async () => {
    forge = await TestForge.start()
    for (const name of ['html', 'null', 'list']) await template(forge, name)
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/html$/ },
      { status: 200, raw: '<html><body>Sign in</body></html>' }
    )
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/null$/ },
      { status: 200, raw: 'null', contentType: 'application/json' }
    )
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/list$/ },
      { status: 200, raw: '[]', contentType: 'application/json' }
    )
    await template(forge, 'bom', { pin: null, files: { '.runtime-version': '\ufeff1.2.3\n' } })
    run = await runAction(inputsFor(forge, 'html null list bom'))
  })
  afterAll(() => forge.close())

  it.each([
    ['html', 'an HTML page', 'repository lookup failed: HTTP 200 with a body that is not JSON (text/html)'],
    [
      'null',
      'null',
      'repository lookup failed: the forge answered GET /repos/acme/null with null where an object belongs'
    ],
    [
      'list',
      'a list',
      'repository lookup failed: the forge answered GET /repos/acme/list with a list where an object belongs'
    ]
  ])('a 2xx that is %s fails closed, saying what came', async (name, _what, reason) => {
    expect(result(name)).toMatchObject({ status: 'failed', reason })
    expect(gitRequests(forge, `acme/${name}`) + forge.count({ repo: `acme/${name}`, method: 'PUT' })).toBe(0)
  })

  it('a pin behind a byte-order mark is not pinned to the template: it is rewritten as the version alone', async () => {
    expect(result('bom')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was "\\ufeff1.2.3"); versions could not be compared ("\\ufeff1.2.3" → 1.2.3)'
    })
    expect(await fileAt(forge, 'acme/bom', '.runtime-version')).toBe('1.2.3\n')
  })
})
