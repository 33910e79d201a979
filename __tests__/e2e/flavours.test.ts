import { createServer, type Server } from 'node:http'
import { TestForge } from '../../test-support/forge/forge.js'
import { PUBLISH_WORKFLOW, WORKFLOW_TEXT } from '../../test-support/forge/repo-store.js'
import { FLAVOURS, type Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import {
  annotations,
  fileAt,
  gitRequests,
  history,
  inputsFor,
  resultsOf,
  template
} from '../../test-support/scenario.js'

/** A server on another origin that counts what reaches it: nothing ever should. */
async function elsewhere(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0
  const server: Server = createServer((_req, res) => {
    hits++
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return { url, hits: () => hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe.each(FLAVOURS)('against %s', (flavour: Flavour) => {
  let forge: TestForge
  let other: Awaited<ReturnType<typeof elsewhere>>
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
    other = await elsewhere()
  })
  afterEach(async () => {
    await forge.close()
    await other.close()
  })

  /** A renamed repository, one that redirects to another origin, one with a protected branch. */
  async function troublesome(): Promise<void> {
    const meta = await forge.createRepo('acme/tpl-old', {
      files: { [PUBLISH_WORKFLOW]: WORKFLOW_TEXT, '.runtime-version': '0.1.0\n' }
    })
    await forge.store.rename(meta, 'acme/tpl-new')
    await template(forge, 'tpl-evil')
    forge.fault(
      { kind: 'api', repo: 'acme/tpl-evil' },
      { status: 301, headers: { Location: `${other.url}${forge.facts.apiBase}/repos/evil/x` } }
    )
    await template(forge, 'tpl-locked', { protectBranch: 'main' })
  }

  /**
   * The redirect is met by the first REST request on tpl-evil: the look-up on Gitea; on GitHub
   * the look-up is GraphQL (which the redirect does not touch), so the write through the API
   * meets it, and through git nothing does.
   */
  const crossOrigin = (transport: 'git' | 'api'): [string, string] => {
    const refused = `HTTP 301: redirected to another origin (${other.url}${forge.facts.apiBase}/repos/evil/x); not followed with the token`
    if (forge.facts.family !== 'github') return ['failed', `repository lookup failed: ${refused}`]
    return transport === 'git' ? ['updated', 'pinned 1.2.3 (was 0.1.0)'] : ['failed', `write refused: ${refused}`]
  }

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

  it('through git: follows a rename (git on the new name), refuses a redirect elsewhere, quotes the protected branch', async () => {
    await troublesome()
    const run = await runAction(inputsFor(forge, 'tpl-old tpl-evil tpl-locked', { transport: 'git' }))
    expect(run.stdout).toMatch(
      {
        github: /token accepted by GitHub, user cascade-bot; quota \d+ of 5000 left/,
        // GitHub Enterprise Server says its version, and its rate limits are off by default.
        ghes: /token accepted by GitHub Enterprise Server 3\.19\.1, user cascade-bot; it announces no rate limits/
      }[flavour as string] ?? /token accepted by Gitea\/Forgejo, user cascade-bot/
    )
    expect(resultsOf(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['updated', 'pinned 1.2.3 (was 0.1.0); renamed: now acme/tpl-new, update the template list'],
      crossOrigin('git'),
      [
        'failed',
        forge.facts.family === 'github'
          ? 'push rejected: GH006: Protected branch update failed for refs/heads/main.'
          : 'push rejected: Not allowed to push to protected branch main'
      ]
    ])
    expect(await fileAt(forge, 'acme/tpl-new', '.runtime-version')).toBe('1.2.3\n')
    // The redirects were this flavour's own (GitHub's GraphQL look-up resolved the old name
    // without one), and git never asked for the old name.
    const redirected = forge.requests.filter((r) => r.kind === 'api' && r.repo === 'acme/tpl-old')
    expect(new Set(redirected.map((r) => r.status))).toEqual(
      new Set(forge.facts.family === 'github' ? [] : [forge.facts.redirectStatus])
    )
    expect(gitRequests(forge, 'acme/tpl-old')).toBe(0)
    expect(gitRequests(forge, 'acme/tpl-new')).toBeGreaterThan(0)
    expect(other.hits()).toBe(0)
    expect(await history(forge, 'acme/tpl-locked')).toHaveLength(1)
    expect(annotations(run.stdout, 'warning')).toEqual([
      expect.stringContaining('acme/tpl-old was renamed or transferred: it is now acme/tpl-new')
    ])
  })

  it('through the contents API: the same, in the API’s words', async () => {
    await troublesome()
    const run = await runAction(inputsFor(forge, 'tpl-old tpl-evil tpl-locked', { transport: 'api' }))
    expect(resultsOf(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['updated', 'pinned 1.2.3 (was 0.1.0); renamed: now acme/tpl-new, update the template list'],
      crossOrigin('api'),
      [
        'failed',
        forge.facts.family === 'github'
          ? 'write refused: HTTP 409: Could not update file: Changes must be made through a pull request.'
          : 'write refused: HTTP 403: user cannot commit to repo [user: cascade-bot]'
      ]
    ])
    expect(await fileAt(forge, 'acme/tpl-new', '.runtime-version')).toBe('1.2.3\n')
    expect(
      forge.requests
        .filter((r) => r.method === 'PUT')
        .map((r) => r.repo)
        .sort()
    ).toEqual(
      forge.facts.family === 'github'
        ? ['acme/tpl-evil', 'acme/tpl-locked', 'acme/tpl-new']
        : ['acme/tpl-locked', 'acme/tpl-new']
    )
    expect(gitRequests(forge) + other.hits()).toBe(0)
  })

  it('a pull request opened between the look-up and the POST is found, in the forge’s duplicate answer, not opened twice', async () => {
    // The cascade's own bump branch and its pull request, as an earlier run left them.
    const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
    const meta = forge.repo(t)
    const bot = { name: 'publish-runtime cascade', email: 'publish-runtime-cascade@users.noreply.github.com' }
    await forge.store.git(meta.dir, ['branch', 'bump/runtime-1.2.3', 'main'])
    await forge.store.commit(
      meta,
      { '.runtime-version': '1.2.3\n' },
      // The cascade knows its commits by their trailer.
      'chore: pin runtime to 1.2.3\n\nRuntime-Cascade-Version: 1.2.3\n',
      bot,
      true,
      'bump/runtime-1.2.3'
    )
    // Someone (a parallel run) opens it after this run listed the open pull requests.
    const pull = { number: 7, head: 'bump/runtime-1.2.3', base: 'main', title: 'chore: pin runtime to 1.2.3', body: '' }
    forge.before(
      { kind: 'api', method: 'POST', path: /\/pulls$/ },
      async () => void meta.pulls.push({ ...pull, state: 'open' })
    )
    const run = await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'pr-exists',
      reason: '#7 already open: bump/runtime-1.2.3 already pins 1.2.3'
    })
    expect(meta.pulls).toHaveLength(1)
    const pullsPath = `${forge.facts.apiBase}/repos/acme/tpl-a/pulls`
    expect(forge.requests.filter((r) => r.method === 'POST' && r.path === pullsPath).map((r) => r.status)).toEqual([
      forge.facts.family === 'github' ? 422 : 409
    ])
    expect(JSON.parse(run.outputs['pull-requests'])[0]).toMatchObject({ number: 7 })
  })
})
