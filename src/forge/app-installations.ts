import type { KeyObject } from 'node:crypto'
import { ApiError } from './api-error.js'
import { appJwt } from './app-jwt.js'
import type { Credentials } from './credentials.js'
import type { ForgeClient } from './forge-client.js'
import { object } from './forge-shapes.js'
import { RunStopError } from '../shared/run-control.js'
import type { Log } from '../shared/log.js'

/**
 * An owner whose templates the App cannot reach: no installation there, or GitHub would not mint
 * its token. Status 0: no request about the owner's repositories was sent (none could be).
 */
export class NotInstalledError extends ApiError {
  override name = 'NotInstalledError'
  override notInstalled = true as const

  constructor(
    readonly owner: string,
    detail: string
  ) {
    super(0, `the GitHub App is not installed on ${owner} (${detail})`)
  }
}

/** GitHub refused the App's own JWT: a wrong id, a key of another App, a clock far off. The run stops. */
export class AppRejectedError extends RunStopError {
  constructor(said: string) {
    const why = `GitHub refused the App's credentials (${said}): check app-id and app-private-key (the key must be this App's), and the runner's clock`
    super(why, `not attempted: ${why}`, why)
  }
}

interface Minted {
  token: string
  expiresAtMs: number
  /** When it is replaced: before `expires_at`, never after. */
  refreshAtMs: number
}

/** Replaced this long before it expires, or a quarter of its life for a short-lived one. */
const REFRESH_MARGIN_MS = 5 * 60_000

export interface AppOptions {
  appId: string
  key: KeyObject
  client: ForgeClient
  /** The templates' owners in list order: requests about no repository (the token check) take the first installed one's token. */
  owners: string[]
  /** Each minted token, for the runner's masking and the run's redaction, before any use. */
  secret: (token: string) => void
  log: Log
  now?: () => number
}

/**
 * A GitHub App's tokens, one per owner of the templates (an installation token covers the one
 * account the App is installed on): the installation is found by the owner's name (`GET
 * /orgs/{org}/installation`, then `/users/{user}/installation`), its token minted with a JWT
 * (`POST /app/installations/{id}/access_tokens`, valid an hour), kept, and minted anew before
 * its `expires_at`. Each owner's look-up and mint happen once at a time, however many
 * templates ask; an owner without the App fails its own templates only.
 */
export class AppInstallations implements Credentials {
  readonly perOwner = true
  private readonly installations = new Map<string, Promise<number>>()
  private readonly tokens = new Map<string, Minted>()
  private readonly minting = new Map<string, Promise<Minted>>()
  private jwt: { jwt: string; expiresAtMs: number } | undefined

  constructor(private readonly options: AppOptions) {}

  async authorization(owner: string | undefined): Promise<string> {
    return `token ${await this.gitToken(owner)}`
  }

  async gitToken(owner: string | undefined): Promise<string> {
    return owner === undefined ? this.anyToken() : this.tokenFor(owner)
  }

  /** For the run's own requests: the first owner whose installation gives a token; none at all stops the run. */
  private async anyToken(): Promise<string> {
    for (const owner of this.options.owners) {
      try {
        return await this.tokenFor(owner)
      } catch (error) {
        if (!(error instanceof NotInstalledError)) throw error
      }
    }
    const why = `the GitHub App is installed on none of the templates' owners (${this.options.owners.join(', ')}): install it there`
    throw new RunStopError(why, `not attempted: ${why}`, why)
  }

  private async tokenFor(name: string): Promise<string> {
    const key = name.toLowerCase()
    const now = this.now()
    const held = this.tokens.get(key)
    if (held && now < held.refreshAtMs) return held.token
    let pending = this.minting.get(key)
    if (!pending) {
      pending = this.mint(name).finally(() => this.minting.delete(key))
      this.minting.set(key, pending)
    }
    const minted = await pending
    this.tokens.set(key, minted)
    return minted.token
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private async mint(owner: string): Promise<Minted> {
    const id = await this.installation(owner)
    const answer = await this.asApp('POST', `/app/installations/${id}/access_tokens`, owner)
    const data = object(answer, 'an installation token')
    const token = typeof data.token === 'string' ? data.token : ''
    const expiresAtMs = Date.parse(String(data.expires_at ?? ''))
    if (!token || !Number.isFinite(expiresAtMs))
      throw new NotInstalledError(owner, 'GitHub answered the token request without a token')
    this.options.secret(token)
    const now = this.now()
    const margin = Math.min(REFRESH_MARGIN_MS, (expiresAtMs - now) / 4)
    this.options.log(
      `GitHub App: a token for ${owner} (installation ${id}), valid until ${new Date(expiresAtMs).toISOString()}`
    )
    return { token, expiresAtMs, refreshAtMs: expiresAtMs - margin }
  }

  /** The owner's installation id, asked once (a missing one is remembered as missing). */
  private installation(owner: string): Promise<number> {
    const key = owner.toLowerCase()
    let found = this.installations.get(key)
    if (!found) {
      found = this.findInstallation(owner)
      this.installations.set(key, found)
      // Only "not installed" is remembered; a fault is asked again by the owner's next template.
      found.catch((error: unknown) => {
        if (!(error instanceof NotInstalledError)) this.installations.delete(key)
      })
    }
    return found
  }

  private async findInstallation(owner: string): Promise<number> {
    const name = encodeURIComponent(owner)
    for (const path of [`/orgs/${name}/installation`, `/users/${name}/installation`]) {
      try {
        const id = object(await this.asApp('GET', path, owner), 'an installation').id
        if (typeof id === 'number') return id
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404 || error instanceof NotInstalledError) throw error
      }
    }
    throw new NotInstalledError(owner, `GitHub has no installation of it on an organisation or user ${owner}`)
  }

  /** A request as the App itself (its JWT): 401 stops the run; a refusal for one owner fails that owner. */
  private async asApp(method: string, path: string, owner: string): Promise<unknown> {
    const now = this.now()
    if (!this.jwt || now > this.jwt.expiresAtMs - 60_000) {
      this.jwt = appJwt(this.options.appId, this.options.key, now)
      this.options.secret(this.jwt.jwt)
    }
    try {
      const answer = await this.options.client.call(method, path, {
        authorization: `Bearer ${this.jwt.jwt}`,
        subject: 'GitHub App'
      })
      return answer.data
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      if (error.status === 401) throw new AppRejectedError(error.message)
      if (error.status === 404) throw error
      if (error.transient) throw error
      throw new NotInstalledError(owner, `GitHub refused its token there: ${error.message}`)
    }
  }
}
