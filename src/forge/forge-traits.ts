/** Which family of forge answered: GitHub (and GHES), or Gitea and Forgejo. */
export type ForgeKind = 'github' | 'gitea'

/** GitHub's content-creation limit, less a margin for anything else using the token. */
export interface WriteLimit {
  perMinute: number
  perHour: number
}

/** github.com and GHEC: 80 content-creating requests a minute, 500 an hour (shared/forge-facts.md). */
export const GITHUB_WRITE_LIMIT: WriteLimit = { perMinute: 75, perHour: 475 }

/**
 * What differs for the forge and release at hand, decided once, after the token check, from what
 * the forge's answers showed. The layers after the forge client ask this (or a method of the
 * forge API) and never test which forge it is: supporting a new forge or release means this
 * file, the methods of the forge API whose requests differ, and the test forge's flavour.
 */
export interface ForgeTraits {
  family: ForgeKind
  /** For people: "GitHub", "GitHub Enterprise Server 3.14.2", "Gitea or Forgejo". */
  name: string
  /**
   * Who signs an API commit: `bot`, github.com and GHEC, an App's or bot's commit that names no
   * author and no committer ("Signature verification for bots", wrapped in `ifversion fpt or
   * ghec`); `server-key`, Gitea and Forgejo, with their own key when a site admin configured one,
   * whatever the author; `never`, GHES, which signs only commits made in its web interface.
   */
  apiCommitSigning: 'bot' | 'server-key' | 'never'
  /** The content-creation limit to keep under; null where the server announces no limits. */
  writeLimit: WriteLimit | null
  /** The server limits requests (its answers carry x-ratelimit-* headers): GitHub's secondary limits apply. */
  rateLimited: boolean
  /** Every template's look-up goes out in GraphQL batches before the first write (GitHub). */
  graphqlLookUp: boolean
  /**
   * One pattern pin can be one contents write: Gitea keeps an updated file's mode
   * (services/repository/files/update.go); GitHub's contents PUT writes 100644 (reported,
   * github/github-mcp-server#2578), so there a pattern pin goes through the Git Data API.
   */
  contentsWriteKeepsMode: boolean
}

export interface ServerSigns {
  kind: ForgeKind
  /** `x-github-enterprise-version`, when GitHub Enterprise Server answered. */
  enterprise?: string
  /** Whether any answer carried x-ratelimit-* headers (GHES with rate limits off sends none). */
  limited: boolean
}

/** The traits of the forge whose answers showed `signs`. */
export function traitsOf(signs: ServerSigns): ForgeTraits {
  if (signs.kind === 'gitea')
    return {
      family: 'gitea',
      name: 'Gitea or Forgejo',
      apiCommitSigning: 'server-key',
      writeLimit: null,
      rateLimited: false,
      graphqlLookUp: false,
      contentsWriteKeepsMode: true
    }
  const ghes = signs.enterprise !== undefined
  return {
    family: 'github',
    name: ghes ? `GitHub Enterprise Server ${signs.enterprise}` : 'GitHub',
    apiCommitSigning: ghes ? 'never' : 'bot',
    writeLimit: signs.limited ? GITHUB_WRITE_LIMIT : null,
    rateLimited: signs.limited,
    graphqlLookUp: true,
    contentsWriteKeepsMode: false
  }
}
