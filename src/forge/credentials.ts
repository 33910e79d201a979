/**
 * What authenticates a request: one token for everything, or (a GitHub App) a token per owner
 * of the repositories asked about. The client asks before each request, outside the rate gate,
 * so a token being minted never holds a place another request needs.
 */
export interface Credentials {
  /** The Authorization header value for a request about `owner`'s repositories (undefined: the run's own). */
  authorization(owner: string | undefined): Promise<string>
  /** The token git sends for `owner`'s repositories. */
  gitToken(owner: string | undefined): Promise<string>
  /** True when tokens differ per owner: a GraphQL batch must then ask one owner's repositories only. */
  readonly perOwner: boolean
}

/** One ready token for every request (the `token` input). */
export class StaticToken implements Credentials {
  readonly perOwner = false

  constructor(private readonly token: string) {}

  authorization(): Promise<string> {
    return Promise.resolve(`token ${this.token}`)
  }

  gitToken(): Promise<string> {
    return Promise.resolve(this.token)
  }
}

/** The owner a REST path is about: `/repos/{owner}/…`, `/orgs/{org}/…`, `/users/{user}/…`. */
export function ownerOf(path: string): string | undefined {
  const m = /^\/(?:repos|orgs|users)\/([^/?]+)/.exec(path)
  return m ? decodeURIComponent(m[1]) : undefined
}
