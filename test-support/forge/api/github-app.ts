import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto'
import { ok, type ApiAnswer } from './answers.js'

type Json = Record<string, unknown>

/** What a request's credential is to the App: one of its live tokens (for an owner), an expired one, or neither. */
export type AppCredential = { owner: string } | 'expired' | null

/**
 * A GitHub App, as GitHub's App endpoints answer for it (the GitHub flavour only):
 * - its JWT (`Authorization: Bearer <jwt>`) checked as GitHub checks it: an RS256 signature by
 *   the App's key, else 401 "A JSON web token could not be decoded" (actions/create-github-app-
 *   token#153, octokit/request.js#505); `exp` in the past, 401 "'Expiration time' claim ('exp')
 *   must be a numeric value representing the future time at which the assertion expires"
 *   (sigmavirus24/github3.py#1050); `exp` more than 10 minutes ahead, 401 "'Expiration time'
 *   claim ('exp') is too far in the future" (probot/probot#942, octokit/auth-app.js#698); `iss`
 *   not the App, the first of these (a JWT of another App);
 * - `GET /orgs/{org}/installation`, `/users/{username}/installation`,
 *   `/repos/{owner}/{repo}/installation`: the installation (200), or 404 Not Found;
 * - `POST /app/installations/{installation_id}/access_tokens`: 201 {token, expires_at, ...},
 *   a token that sees the one owner's repositories, valid `tokenLifetimeMs` (GitHub: an hour);
 *   an installation that is not the App's, 404.
 * What it cannot imitate (README): an org-wide installation limited to some repositories, and
 * permissions narrower than the installation's.
 */
export class GithubApp {
  readonly id = 4242
  readonly privateKeyPem: string
  private readonly publicKey: KeyObject
  /** owner (lower case) → installation id. */
  private readonly installations = new Map<string, { id: number; owner: string }>()
  private readonly tokens = new Map<string, { owner: string; expiresAt: number }>()
  /** How long a minted token lives (GitHub: one hour); tests shorten it to see a renewal. */
  tokenLifetimeMs = 3_600_000
  /** Every token minted, in order. */
  readonly minted: Array<{ owner: string; token: string; at: number; expiresAt: number }> = []
  /** Every JWT the App's endpoints were given, accepted or not. */
  readonly jwts: string[] = []
  /** Requests that came with a token past its expiry (each answered 401). */
  expiredUses = 0

  constructor(owners: string[]) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    this.privateKeyPem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
    this.publicKey = createPublicKey(pair.privateKey)
    owners.forEach((owner, i) => this.installations.set(owner.toLowerCase(), { id: 900 + i, owner }))
  }

  /** A request's secret: the owner of a live token of this App, an expired one, or not the App's. */
  credential(secret: string): AppCredential {
    const held = this.tokens.get(secret)
    if (!held) return null
    if (Date.now() >= held.expiresAt) {
      this.expiredUses++
      return 'expired'
    }
    return { owner: held.owner }
  }

  /** The App's endpoints; null when the path is not one of them. */
  answer(method: string, path: string, authorization: string): ApiAnswer | null {
    const lookUp = /^\/(?:orgs|users)\/([^/]+)\/installation$|^\/repos\/([^/]+)\/[^/]+\/installation$/.exec(path)
    const mint = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path)
    if (!(method === 'GET' && lookUp) && !(method === 'POST' && mint)) return null
    const fault = this.jwtFault(authorization)
    if (fault) return { status: 401, body: { message: fault, documentation_url: 'https://docs.github.com/rest' } }
    if (lookUp) {
      const found = this.installations.get(decodeURIComponent(lookUp[1] ?? lookUp[2]).toLowerCase())
      return found ? ok(this.installation(found)) : notFound()
    }
    const found = [...this.installations.values()].find((i) => i.id === Number(mint![1]))
    if (!found) return notFound()
    const token = `ghs_${randomBytes(18).toString('hex')}`
    const expiresAt = Date.now() + this.tokenLifetimeMs
    this.tokens.set(token, { owner: found.owner, expiresAt })
    this.minted.push({ owner: found.owner, token, at: Date.now(), expiresAt })
    // GitHub's expires_at is whole seconds; the test forge's lifetimes may be shorter than one.
    const expires_at = new Date(expiresAt).toISOString()
    return ok(
      { token, expires_at, permissions: { contents: 'write', pull_requests: 'write' }, repository_selection: 'all' },
      201
    )
  }

  private jwtFault(authorization: string): string | null {
    const undecodable = 'A JSON web token could not be decoded'
    const [scheme, jwt = ''] = authorization.split(' ', 2)
    if (jwt) this.jwts.push(jwt)
    if (!/^bearer$/i.test(scheme)) return undecodable
    const [head, body, signature] = jwt.split('.')
    if (!head || !body || !signature) return undecodable
    const signed = verify('sha256', Buffer.from(`${head}.${body}`), this.publicKey, Buffer.from(signature, 'base64url'))
    let claims: Json
    try {
      const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as Json
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Json
      if (header.alg !== 'RS256') return undecodable
    } catch {
      return undecodable
    }
    if (!signed || String(claims.iss) !== String(this.id)) return undecodable
    const now = Math.floor(Date.now() / 1000)
    if (typeof claims.iat !== 'number' || claims.iat > now + 60)
      return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"
    if (claims.exp > now + 600) return "'Expiration time' claim ('exp') is too far in the future"
    return null
  }

  /** GitHub's installation object: the fields its description requires. */
  private installation(found: { id: number; owner: string }): Json {
    const account = { login: found.owner, id: found.id * 7, type: 'Organization' }
    return {
      id: found.id,
      account,
      repository_selection: 'all',
      access_tokens_url: `https://api.github.com/app/installations/${found.id}/access_tokens`,
      repositories_url: 'https://api.github.com/installation/repositories',
      html_url: `https://github.com/organizations/${found.owner}/settings/installations/${found.id}`,
      app_id: this.id,
      target_id: found.id * 7,
      target_type: 'Organization',
      permissions: { contents: 'write', pull_requests: 'write' },
      events: [],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      single_file_name: null,
      app_slug: 'runtime-cascade-test',
      suspended_by: null,
      suspended_at: null
    }
  }
}

const notFound = (): ApiAnswer => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }
})
