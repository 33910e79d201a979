import { createServer, type Server } from 'node:http'
import { TestForge } from '../../test-support/forge/forge.js'
import { FLAVOURS, type Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, gitRequests, history, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

/** What the step's log says as errors and warnings (the runner shows these as annotations). */
const annotations = (stdout: string, kind: 'error' | 'warning') =>
  stdout.split('\n').filter((l) => l.startsWith(`::${kind}`))

describe.each(FLAVOURS)('against %s', (flavour: Flavour) => {
  let forge: TestForge
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
  })
  afterEach(async () => {
    await forge.close()
  })

  it('a rejected token is one error after at most two API requests, and no git at all', async () => {
    for (const name of ['t1', 't2', 't3']) await template(forge, name)
    const run = await runAction(inputsFor(forge, 't1 t2 t3', { token: 'gta_revoked_0000000000000000' }))
    expect(run.exitCode).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      expect.stringMatching(/^::error::the token was rejected by .* \(HTTP 401\)/)
    ])
    expect(forge.count({ kind: 'api' })).toBeLessThanOrEqual(2)
    expect(forge.count({ kind: 'git' })).toBe(0)
    expect(resultsOf(run.outputs).map((r) => r.reason)).toEqual(Array(3).fill('not attempted: the token was rejected'))
    expect(run.outputs['failed-templates']).toBe('acme/t1 acme/t2 acme/t3')
  })

  it('says whom the token belongs to, where the forge says', async () => {
    await template(forge, 't1', { pin: '1.2.3' })
    const run = await runAction(inputsFor(forge, 't1'))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      flavour === 'github'
        ? /token accepted by GitHub, user cascade-bot; quota \d+ of 5000 left/
        : /token accepted by Gitea\/Forgejo, user cascade-bot/
    )
  })

  it('follows a renamed repository to its new name, git included, and says so', async () => {
    const meta = await forge.createRepo('acme/tpl-old', {
      files: { '.github/workflows/publish-image.yml': 'on: push\n', '.runtime-version': '0.1.0\n' }
    })
    await forge.store.rename(meta, 'acme/tpl-new')
    const run = await runAction(inputsFor(forge, 'tpl-old'))
    expect(run.exitCode).toBe(0)
    const [result] = resultsOf(run.outputs)
    expect(result).toMatchObject({ template: 'acme/tpl-old', status: 'updated' })
    expect(result.reason).toBe('pinned 1.2.3 (was 0.1.0); renamed: now acme/tpl-new, update the template list')
    expect(await fileAt(forge, 'acme/tpl-new', '.runtime-version')).toBe('1.2.3\n')
    // The redirect was this flavour's own, and git never asked for the old name.
    const redirected = forge.requests.filter((r) => r.kind === 'api' && r.repo === 'acme/tpl-old')
    expect(redirected.length).toBeGreaterThan(0)
    expect(new Set(redirected.map((r) => r.status))).toEqual(new Set([forge.facts.redirectStatus]))
    expect(gitRequests(forge, 'acme/tpl-old')).toBe(0)
    expect(gitRequests(forge, 'acme/tpl-new')).toBeGreaterThan(0)
    expect(annotations(run.stdout, 'warning')).toEqual([
      expect.stringContaining('acme/tpl-old was renamed or transferred: it is now acme/tpl-new')
    ])
  })

  it('never follows a redirect to another origin with the token, and names it', async () => {
    let elsewhere = 0
    const other: Server = createServer((_req, res) => {
      elsewhere++
      res.end('{}')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    try {
      const port = (other.address() as { port: number }).port
      await template(forge, 'tpl-a')
      await template(forge, 'tpl-b')
      const location = `http://127.0.0.1:${port}${forge.facts.apiBase}/repos/evil/tpl-a`
      forge.fault({ kind: 'api', repo: 'acme/tpl-a' }, { status: 301, headers: { Location: location } })
      const run = await runAction(inputsFor(forge, 'tpl-a tpl-b'))
      expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'failed', 'acme/tpl-b': 'updated' })
      expect(resultsOf(run.outputs)[0].reason).toBe(
        `repository lookup failed: HTTP 301: redirected to another origin (http://127.0.0.1:${port}${forge.facts.apiBase}/repos/evil/tpl-a); not followed with the token`
      )
      expect(elsewhere).toBe(0)
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()))
    }
  })

  it('a protected branch refuses the push with the forge sentence alone', async () => {
    const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'git' }))
    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe('failed')
    expect(result.reason).toBe(
      flavour === 'github'
        ? 'push rejected: GH006: Protected branch update failed for refs/heads/main.'
        : 'push rejected: Not allowed to push to protected branch main'
    )
    expect(await history(forge, t)).toHaveLength(1)
  })

  it('a pull request that already exists is found, not opened twice', async () => {
    const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
    const first = await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request' }))
    expect(statusOf(first.outputs)).toEqual({ 'acme/tpl-a': 'pr-opened' })
    const rerun = await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request' }))
    expect(statusOf(rerun.outputs)).toEqual({ 'acme/tpl-a': 'pr-exists' })
    expect(forge.repo(t).pulls).toHaveLength(1)
    expect(JSON.parse(rerun.outputs['pull-requests'])[0]).toMatchObject({ number: 1 })
  })
})
