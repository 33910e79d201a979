import { generateKeyPairSync } from 'node:crypto'
import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { GRAPHQL_PATH } from '../../test-support/forge/requests.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { fileAt, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

/**
 * A GitHub App instead of a token: the action makes the App's JWT, finds the installation of each
 * owner its templates name, mints one token per owner, and sends each template's requests (and
 * git's) with its owner's token. The test forge verifies the JWT against the App's public key and
 * lets an installation token see its owner's repositories only, as GitHub does.
 */
let forge: TestForge
forgeForEachTest((f) => (forge = f), { flavour: 'github' })

const appInputs = (list: string, extra: Record<string, string> = {}) =>
  inputsFor(forge, list, {
    token: '',
    'app-id': String(forge.github.app!.id),
    'app-private-key': forge.github.app!.privateKeyPem,
    ...extra
  })

/** Which owner's token each request about a repository came with. */
const tokensUsed = (kind: 'api' | 'git') =>
  new Set(
    forge.requests.filter((r) => r.kind === kind && r.repo).map((r) => `${r.repo!.split('/')[0]}:${r.tokenOwner}`)
  )
/** The owners whose tokens the GraphQL look-up queries came with (one owner a batch). */
const queryTokens = () => new Set(forge.requests.filter((r) => r.path === GRAPHQL_PATH).map((r) => r.tokenOwner))

const withoutMaskCommands = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')

function secretsShown(run: ActionRun): string[] {
  const app = forge.github.app!
  const secrets = [
    ...app.minted.map((m) => m.token),
    ...app.jwts,
    ...app.privateKeyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))
  ]
  const seen = withoutMaskCommands(run.everything)
  return secrets.filter((s) => seen.includes(s))
}

describe('a GitHub App in place of a token', () => {
  it.each(['api', 'git'])(
    'templates of two owners, through %s: each written with its owner’s token, one mint each',
    async (transport) => {
      forge.github.installApp(['acme', 'beta'])
      for (const name of ['acme/a1', 'acme/a2', 'beta/b1']) await template(forge, name)
      const run = await runAction(appInputs('acme/a1 acme/a2 beta/b1', { transport }))
      expect(run.exitCode).toBe(0)
      expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated', 'updated'])
      for (const name of ['acme/a1', 'acme/a2', 'beta/b1'])
        expect(await fileAt(forge, name, '.runtime-version')).toBe('1.2.3\n')
      expect(queryTokens()).toEqual(new Set(['acme', 'beta']))
      expect(tokensUsed(transport === 'git' ? 'git' : 'api')).toEqual(new Set(['acme:acme', 'beta:beta']))
      expect(forge.github.app!.minted.map((m) => m.owner).sort()).toEqual(['acme', 'beta'])
      expect(secretsShown(run)).toEqual([])
    }
  )

  it('a token that expires during the run is renewed before its expires_at, and no request carries an expired one', async () => {
    const app = forge.github.installApp(['acme'])
    // Three seconds a token (renewed 750 ms before it expires), and a run of about four.
    app.tokenLifetimeMs = 3000
    const names = Array.from({ length: 12 }, (_, i) => `acme/t${i}`)
    for (const name of names) await template(forge, name)
    forge.latencyMs = 250
    const run = await runAction(appInputs(names.join(' '), { concurrency: '1', transport: 'api' }))
    expect(run.exitCode).toBe(0)
    expect(new Set(resultsOf(run.outputs).map((r) => r.status))).toEqual(new Set(['updated']))
    expect(app.minted.length).toBeGreaterThan(1)
    // The forge refuses an expired token (401) and counts each request that came with one.
    expect(app.expiredUses).toBe(0)
    expect(secretsShown(run)).toEqual([])
  })

  it('an owner without the App: its templates fail naming it, the others are written, the step fails', async () => {
    forge.github.installApp(['acme'])
    for (const name of ['acme/a1', 'gamma/g1', 'gamma/g2']) await template(forge, name)
    const run = await runAction(appInputs('acme/a1 gamma/g1 gamma/g2'))
    expect(run.exitCode).toBe(1)
    const rows = resultsOf(run.outputs).map((r) => [r.template, r.status, r.reason])
    expect(rows[0]).toEqual(['acme/a1', 'updated', expect.any(String)])
    for (const row of rows.slice(1))
      expect(row).toEqual([
        expect.stringMatching(/^gamma\//),
        'failed',
        expect.stringMatching(/^the GitHub App is not installed on gamma \(GitHub has no installation of it/)
      ])
    expect(run.summary).toContain('GitHub App not installed')
    // Asked once for the owner, not once per template.
    expect(forge.count({ kind: 'api', path: /\/(orgs|users)\/gamma\/installation$/ })).toBe(2)
    expect(run.outputs['failed-templates']).toBe('gamma/g1 gamma/g2')
  })

  it('a key of another App: the run stops before any template, saying what to check, the key never shown', async () => {
    forge.github.installApp(['acme'])
    await template(forge, 'acme/a1')
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem'
    }) as string
    const run = await runAction(appInputs('acme/a1', { 'app-private-key': other }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /GitHub refused the App's credentials \(HTTP 401: A JSON web token could not be decoded\): check app-id and app-private-key/
    )
    expect(await fileAt(forge, 'acme/a1', '.runtime-version')).toBe('0.1.0\n')
    expect(withoutMaskCommands(run.everything)).not.toContain(other.split('\n')[1])
  })
})
