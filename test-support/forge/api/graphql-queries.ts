import { execute, parse, validate } from 'graphql'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { githubSchema } from '../../spec-check/graphql-check.js'
import { queryScore, repositoriesAsked } from './graphql-score.js'
import type { RepoMeta, RepoStore } from '../repo-store.js'
import { ok, type ApiAnswer } from './answers.js'
import type { GithubState } from './github-state.js'

type Json = Record<string, unknown>

/**
 * The GitHub flavour's GraphQL queries, executed by graphql-js against GitHub's own published
 * schema (@octokit/graphql-schema): a query GitHub would refuse is refused here with the same
 * validation, and only the fields below have values (any other field asked for is an error).
 * Values come from the same bare repositories the REST API and git serve:
 * - `repository(owner, name)`: a name nobody can see is null with an error of type NOT_FOUND,
 *   "Could not resolve to a Repository with the name 'o/r'." (the type: hygieia#2826; the
 *   words: octokit.graphql.net#194); an old name resolves to the renamed repository, whose
 *   `nameWithOwner` is the new one (sesori-ai/sesori_apps_monorepo#691, 2026; the same answer
 *   shown in octokit.graphql.net#194).
 * - Repository: nameWithOwner, isArchived, isMirror, isFork, isEmpty, defaultBranchRef and
 *   `ref(qualifiedName:)` for refs/heads/* (Ref.name is the short name, GitHub's reference).
 * - Commit: oid, message, tree { oid }, parents (totalCount, nodes), `file(path:)` as a TreeEntry: mode as an integer
 *   (0o100644, 0o120000 ...), type blob/tree/commit, oid, and for a blob `text` (null when
 *   binary), isBinary (a NUL byte, as git decides), isTruncated, byteSize.
 * - `rateLimit { cost ... }`: the documented score (graphql-score.ts), charged to the hour's points.
 * - The 10-second deadline, with the time a query takes as a knob (GithubState.queryTime).
 * Not imitated (README): where GitHub truncates a blob's text (undocumented; never here), and
 * node counting.
 */
export class GraphqlQueries {
  constructor(
    private readonly store: RepoStore,
    private readonly github: GithubState
  ) {}

  /** `scope`: an installation token's owner, whose repositories alone it sees (others: NOT_FOUND). */
  async answer(body: Json, scope?: string): Promise<ApiAnswer> {
    if (this.github.queriesOff) return ok({ errors: [{ message: 'GraphQL queries are off (a bench knob)' }] })
    let document
    try {
      document = parse(String(body.query ?? ''))
    } catch (error) {
      return ok({ errors: [{ message: (error as Error).message }] })
    }
    const invalid = validate(githubSchema(), document)
    if (invalid.length > 0) return ok({ errors: invalid.map((e) => ({ message: e.message })) })
    const variables = (body.variables ?? {}) as Json
    // The door took 1 point (github-state.ts); the rest of the score now.
    const cost = queryScore(document, variables)
    this.github.graphqlRemaining = Math.max(0, this.github.graphqlRemaining - (cost - 1))
    const cut = await this.takeTime(repositoriesAsked(document))
    if (cut) return cut
    const result = await execute({
      schema: githubSchema(),
      document,
      rootValue: {
        repository: (args: { owner: string; name: string }) => this.repository(args, scope),
        rateLimit: () => this.rateLimit(cost)
      },
      variableValues: variables
    })
    const errors = result.errors?.map((e) => ({
      ...typeOf(e.originalError),
      path: e.path,
      locations: e.locations,
      message: e.message
    }))
    return ok({ data: result.data ?? null, ...(errors ? { errors } : {}) })
  }

  /**
   * The query's time (the `queryTime` knob), or GitHub's answer when it is past the deadline,
   * after the deadline. GitHub's words for a cut query, by `cut`:
   * - gateway-json: 502 with a JSON body, data null and "Something went wrong while executing
   *   your query. This may be the result of a timeout, or it could be a GitHub bug. Please
   *   include `<request id>` when reporting this issue." (apache/devlake#4349, 2023;
   *   sorenlouv/backport#479, 2023, with content-type application/json and x-github-request-id);
   * - gateway-html: 502 with nginx's "502 Bad Gateway" page (turbot/steampipe-plugin-github#518,
   *   2025; gfazioli/octoscope#153 says 502 or 504 from the gateway);
   * - in-time: 200 with an error "We couldn't respond to your request in time" (the docs' words;
   *   the rest of that envelope is not shown there, and is GraphQL's usual one here).
   * The points are charged all the same (changelog 2025-07-21).
   */
  private async takeTime(repositories: number): Promise<ApiAnswer | undefined> {
    const time = this.github.queryTime
    if (!time) return undefined
    const ms = repositories * time.msPerRepository
    await sleep(Math.min(ms, time.deadlineMs))
    if (ms <= time.deadlineMs) return undefined
    const id = randomBytes(8).toString('hex').toUpperCase()
    if (time.cut === 'in-time')
      return ok({ data: null, errors: [{ message: "We couldn't respond to your request in time" }] })
    if (time.cut === 'gateway-html') return { status: 502, raw: NGINX_502, contentType: 'text/html' }
    const message =
      'Something went wrong while executing your query. This may be the result of a timeout, or it could be a ' +
      `GitHub bug. Please include \`${id}\` when reporting this issue.`
    return { status: 502, body: { data: null, errors: [{ message }] } }
  }

  /** GitHub's RateLimit object (its schema): what this query cost and what is left of the hour. */
  private rateLimit(cost: number): Json {
    const { limit, graphqlRemaining, resetAt } = this.github
    return {
      __typename: 'RateLimit',
      cost,
      limit,
      remaining: graphqlRemaining,
      used: limit - graphqlRemaining,
      resetAt: new Date(resetAt * 1000).toISOString(),
      nodeCount: 0
    }
  }

  private repository({ owner, name }: { owner: string; name: string }, scope?: string): Json {
    const found = this.store.find(owner, name) ?? this.store.movedTo(owner, name)
    const outside = scope !== undefined && found?.owner.toLowerCase() !== scope.toLowerCase()
    if (!found || found.hidden || outside) {
      const error = new Error(`Could not resolve to a Repository with the name '${owner}/${name}'.`)
      throw Object.assign(error, { type: 'NOT_FOUND' })
    }
    const meta = found
    return {
      __typename: 'Repository',
      nameWithOwner: meta.fullName,
      isArchived: meta.archived === true,
      isMirror: meta.mirror === true,
      isFork: meta.fork === true,
      isEmpty: async () => !(await this.store.hasCommits(meta)),
      defaultBranchRef: () => (meta.defaultBranch ? this.ref(meta, meta.defaultBranch) : null),
      ref: ({ qualifiedName }: { qualifiedName: string }) =>
        qualifiedName.startsWith('refs/heads/') ? this.ref(meta, qualifiedName.slice('refs/heads/'.length)) : null
    }
  }

  private async ref(meta: RepoMeta, branch: string): Promise<Json | null> {
    const tip = await this.store.tip(meta, branch)
    if (!tip) return null
    return { __typename: 'Ref', name: branch, prefix: 'refs/heads/', target: this.commit(meta, tip) }
  }

  private commit(meta: RepoMeta, sha: string): Json {
    // One read of the commit for all its fields (message, tree, parents).
    let read: ReturnType<RepoStore['commitInfo']> | undefined
    const info = () => (read ??= this.store.commitInfo(meta, sha))
    return {
      __typename: 'Commit',
      oid: sha,
      message: async () => (await info()).message,
      tree: async () => ({ __typename: 'Tree', oid: (await info()).tree }),
      parents: async ({ first }: { first?: number }) => {
        const parents = (await info()).parents
        const nodes = parents.slice(0, first ?? parents.length).map((oid) => ({ __typename: 'Commit', oid }))
        return { __typename: 'CommitConnection', totalCount: parents.length, nodes }
      },
      file: async ({ path }: { path: string }) => {
        const entry = (await this.store.listing(meta, sha)).get(path)
        if (!entry) return null
        const object =
          entry.type === 'blob'
            ? await this.blob(meta, entry.sha)
            : { __typename: entry.type === 'tree' ? 'Tree' : 'Commit', oid: entry.sha }
        return { __typename: 'TreeEntry', mode: parseInt(entry.mode, 8), type: entry.type, oid: entry.sha, object }
      }
    }
  }

  private async blob(meta: RepoMeta, sha: string): Promise<Json> {
    const bytes = await this.store.blob(meta, sha)
    const binary = bytes.includes(0)
    return {
      __typename: 'Blob',
      oid: sha,
      text: binary ? null : bytes.toString('utf8'),
      isBinary: binary,
      isTruncated: false,
      byteSize: bytes.length
    }
  }
}

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** GitHub's errors carry a `type` (NOT_FOUND, ...) beside the message. */
function typeOf(error: unknown): { type?: string } {
  const type = (error as { type?: unknown } | undefined)?.type
  return typeof type === 'string' ? { type } : {}
}
