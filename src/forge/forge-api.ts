import { absentOn404, ApiError } from './api-error.js'
import type { CallOptions, ForgeClient, ForgeKind, Quota } from './forge-client.js'
import {
  list,
  object,
  parseBranch,
  parseFile,
  parseRepo,
  parseWrite,
  type BranchInfo,
  type FileRead,
  type RepoInfo,
  type WriteAnswer
} from './forge-shapes.js'
import { gitDataCommit } from './git-data-commit.js'
import type { FilesCommit, FilesCommitted, FileWrite, PullSpec, RunInfo } from './forge-writes.js'
import {
  answerCost,
  batchQuery,
  BatchTimeoutError,
  CUT_QUERY_STATUS,
  parseBatch,
  type BatchAsk,
  type BatchItem,
  type BatchShape
} from './graphql-look-up.js'
import { pullState, PullsApi, type PullState } from './pulls-api.js'
import { repoApiPath } from './api-paths.js'

export { repoApiPath }
import { RepoListing } from './repo-listing.js'
import { WorkflowRuns } from './workflow-runs.js'
import { jobStatusesOf, runsOf, type JobStatus } from './runs-api.js'
import { traitsOf, type ForgeTraits } from './forge-traits.js'

/**
 * The forge's REST endpoints the cascade uses, one typed method each. Gitea/Forgejo `/api/v1`
 * and GitHub share most paths; where they differ (creating a file, creating a branch, finding a
 * pull request) the difference is decided here, from the kind of forge the answers showed.
 */
export class ForgeApi {
  /** The repositories of an owner, or carrying a topic (the org: and topic: sources). */
  readonly listing: RepoListing
  /** Pull requests beyond opening one: close, comment, label, review, assign, merge. */
  readonly pulls: PullsApi
  /** A commit's workflow runs, from the endpoint this forge lists them at. */
  readonly workflowRuns: WorkflowRuns

  constructor(private readonly client: ForgeClient) {
    this.listing = new RepoListing(client)
    this.pulls = new PullsApi(client)
    this.workflowRuns = new WorkflowRuns(this)
  }

  get kind(): ForgeKind | undefined {
    return this.client.kind
  }

  private settled: ForgeTraits | undefined

  /** The traits once the forge has answered at all; undefined before (a run stopped by its inputs). */
  get knownTraits(): ForgeTraits | undefined {
    return this.client.kind === undefined ? undefined : this.traits
  }

  /**
   * What differs for this forge and release (forge-traits.ts), from what its answers showed: read
   * after the token check, and the same from then on.
   */
  get traits(): ForgeTraits {
    const { kind, enterprise, limited } = this.client
    const traits = traitsOf({ kind: kind ?? 'gitea', enterprise, limited })
    if (kind !== undefined) this.settled ??= traits
    return this.settled ?? traits
  }

  /** Whether each owner's repositories take a token of their own (a GitHub App's installations). */
  get tokensPerOwner(): boolean {
    return this.client.credentials.perOwner
  }

  /** What GitHub's latest answers said is left of a quota (core: REST; graphql). */
  quota(resource: 'core' | 'graphql'): Quota | undefined {
    return this.client.quotas.get(resource)
  }

  /** null when the forge says there is no such repository (or the token cannot see it). */
  async repo(owner: string, name: string, call?: CallOptions): Promise<RepoInfo | null> {
    const path = repoApiPath(owner, name)
    const answer = await absentOn404(this.client.call('GET', path, call))
    return answer && parseRepo(this.kind, answer.data, `GET ${path}`)
  }

  async branch(owner: string, repo: string, branch: string, call?: CallOptions): Promise<BranchInfo | null> {
    const path = repoApiPath(owner, repo, 'branches', branch)
    const answer = await absentOn404(this.client.call('GET', path, call))
    return answer && parseBranch(answer.data, `GET ${path}`)
  }

  /**
   * GitHub: the look-up of many repositories in one GraphQL query (graphql-look-up.ts), with
   * what GitHub charged for it. A query GitHub cut is not retried whole: BatchTimeoutError.
   */
  async lookUpBatch(
    asks: BatchAsk[],
    shape: BatchShape,
    call?: CallOptions
  ): Promise<{ items: BatchItem[]; cost: number | undefined }> {
    const { query, variables } = batchQuery(asks, shape)
    const cut = (e: ApiError) => CUT_QUERY_STATUS.has(e.status)
    try {
      const answer = await this.client.call('POST', '/graphql', { ...call, giveUpOn: cut, body: { query, variables } })
      return { items: parseBatch(answer.data, asks, shape), cost: answerCost(answer.data) }
    } catch (error) {
      if (error instanceof ApiError && cut(error))
        throw new BatchTimeoutError(`the GraphQL query was cut: ${error.message}`)
      throw error
    }
  }

  /** A file on a branch (the default branch when `ref` is undefined). */
  async file(
    owner: string,
    repo: string,
    path: string,
    ref: string | undefined,
    call?: CallOptions
  ): Promise<FileRead> {
    const query = ref === undefined ? '' : `?${new URLSearchParams({ ref })}`
    const url = `${repoApiPath(owner, repo, 'contents', path)}${query}`
    try {
      const answer = await this.client.call('GET', url, call)
      return parseFile(answer.data, `GET ${url.replace(/\?.*/, '')}`, path)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error
      return /This repository is empty/i.test(error.serverText) ? { kind: 'empty-repository' } : { kind: 'absent' }
    }
  }

  /** Several files on `ref`, at once; the first that fails for good throws, naming its file. */
  async files(
    owner: string,
    repo: string,
    paths: string[],
    ref: string | undefined,
    call?: CallOptions
  ): Promise<ReadonlyMap<string, FileRead>> {
    const reads = await Promise.all(
      paths.map((path) =>
        this.file(owner, repo, path, ref, call).catch((error: unknown) => {
          throw error instanceof ApiError ? error.during(`reading ${path} failed`) : error
        })
      )
    )
    return new Map(paths.map((path, i) => [path, reads[i]]))
  }

  /**
   * Writes one file as one commit on the branch's current tip (the forge makes it, through the
   * repository's hooks and branch protection) and returns that commit. Gitea creates with POST
   * and updates with PUT; GitHub does both with PUT, with or without the old sha.
   */
  async writeFile(owner: string, repo: string, write: FileWrite, call?: CallOptions): Promise<WriteAnswer> {
    const path = repoApiPath(owner, repo, 'contents', write.path)
    // No committer: the forge then uses the author (Gitea) or the token's user. Sending the
    // author means GitHub does not sign the commit (it signs a bot's API commit only without a
    // custom author or committer: forge-facts.md, Signed commits).
    const body: Record<string, unknown> = {
      branch: write.branch,
      content: write.bytes.toString('base64'),
      message: write.message
    }
    if (write.author) body.author = { name: write.author.name, email: write.author.email }
    if (write.sha !== null) body.sha = write.sha
    const method = this.kind === 'github' || write.sha !== null ? 'PUT' : 'POST'
    const answer = await this.client.call(method, path, { ...call, body })
    return parseWrite(answer.data, `${method} ${path}`)
  }

  /**
   * The content-creating requests one pin commit costs: a contents write is one; several files
   * (or a pattern pin on GitHub) are one `POST /contents` on Gitea, and on GitHub the Git Data
   * trio (a tree, a commit, the ref).
   */
  writeRequests(single: boolean): number {
    return single || this.kind !== 'github' ? 1 : 3
  }

  /**
   * Several files as one commit. Gitea/Forgejo (1.20+): `POST /contents` with each file's
   * operation and sha, committed on the branch's current tip like a single write (the same
   * stale-sha 422; services/repository/files/update.go ChangeRepoFiles, which keeps an
   * executable file's mode). GitHub has no such endpoint: the Git Data API (git-data-commit.ts).
   */
  async commitFiles(owner: string, repo: string, commit: FilesCommit, call?: CallOptions): Promise<FilesCommitted> {
    if (this.kind === 'github')
      return gitDataCommit(this.client, owner, repo, commit, (b) => this.branch(owner, repo, b, call), call)
    const path = repoApiPath(owner, repo, 'contents')
    const body: Record<string, unknown> = {
      branch: commit.branch,
      message: commit.message,
      files: commit.files.map((f) => ({
        operation: f.sha === null ? 'create' : 'update',
        path: f.path,
        content: f.bytes.toString('base64'),
        ...(f.sha === null ? {} : { sha: f.sha })
      }))
    }
    if (commit.author) body.author = { name: commit.author.name, email: commit.author.email }
    const answer = await this.client.call('POST', path, { ...call, body })
    return parseWrite(answer.data, `POST ${path}`)
  }

  /** A commit's parents: Gitea `GET /git/commits/{sha}`, GitHub `GET /commits/{sha}`. */
  async parents(owner: string, repo: string, sha: string, call?: CallOptions): Promise<string[]> {
    const path =
      this.kind === 'github'
        ? repoApiPath(owner, repo, 'commits', sha)
        : repoApiPath(owner, repo, 'git', 'commits', sha)
    const commit = object((await this.client.call('GET', path, call)).data, `GET ${path}`)
    return list(commit.parents ?? [], `GET ${path} parents`).map((p) =>
      String((p as Record<string, unknown>)?.sha ?? '')
    )
  }

  /**
   * What a failed contents write means, per forge:
   * - stale: the file is not the blob we read, or the branch moved under the write (Gitea 422
   *   "sha does not match" or "already exists", 404 "object does not exist"; GitHub 409 "does
   *   not match" or "is at X but expected Y", 422 "sha wasn't supplied"): read it again;
   * - unsupported: no write endpoint here (405, or a 404 that names no branch or file);
   * - no-access: the token may not write (GitHub "Resource not accessible by ...", Gitea "user
   *   should have a permission to write");
   * - refused: anything else the forge said no to (protected branch, archived, a hook).
   */
  writeFailure(error: ApiError): 'stale' | 'unsupported' | 'no-access' | 'refused' {
    const text = error.serverText
    if (this.kind === 'github') {
      if (error.status === 409 && /does not match/i.test(text)) return 'stale'
      // A push racing the write: the branch moved, not the file ("is at X but expected Y", in
      // older answers "refs/heads/X expected to be at ..."; forge-facts.md, Contents API).
      if (error.status === 409 && /is at \S+ but expected|expected to be at/i.test(text)) return 'stale'
      if (error.status === 422 && /sha.*(wasn't|was not) supplied/i.test(text)) return 'stale'
      // The Git Data ref update lost a race (PATCH git/refs with force: false).
      if (error.status === 422 && /not a fast forward/i.test(text)) return 'stale'
    } else if (error.status === 422 && /sha does not match|already exists|\[SHA\]: Required/i.test(text)) {
      return 'stale'
    }
    // The file was deleted since it was read: Gitea >= 1.25 404 "object does not exist [id: ,
    // rel_path: X]" (routers/api/v1/repo/file.go handleChangeRepoFilesError); older texts name
    // the file. Read again; never "no write endpoint".
    if (error.status === 404 && /file does not exist|object does not exist/i.test(text)) return 'stale'
    if (error.status === 405 || (error.status === 404 && !/branch|file/i.test(text))) return 'unsupported'
    if (error.status === 403 && /not accessible by|permission to write/i.test(text)) return 'no-access'
    return 'refused'
  }

  /**
   * Creates `branch` at `from` (a branch this forge has). 'exists' only when the forge says the
   * branch itself is there: GitHub 422 "Reference already exists", Gitea/Forgejo 409 "The branch
   * already exists.". Gitea's other 409s (routers/api/v1/repo/branch.go CreateBranch, 1.22-1.25)
   * mean the name cannot be had at all, "The branch with the same name already exists." (a
   * branch `bump` blocks `bump/runtime-1.2.3`, and the reverse) and "The branch with the same tag
   * already exists.": those throw, with the forge's words, like any refusal.
   */
  async createBranch(
    owner: string,
    repo: string,
    branch: string,
    from: { name: string; tip?: BranchInfo },
    call?: CallOptions
  ): Promise<'created' | 'exists'> {
    const github = this.kind === 'github'
    const path = github ? repoApiPath(owner, repo, 'git', 'refs') : repoApiPath(owner, repo, 'branches')
    // GitHub cuts a ref from a sha (the base's tip, read now unless the look-up has it); Gitea from a name.
    const tip = github ? (from.tip ?? (await this.branch(owner, repo, from.name, call))) : undefined
    if (github && !tip) throw new ApiError(404, `HTTP 404: branch ${from.name} not found`)
    const body = github
      ? { ref: `refs/heads/${branch}`, sha: tip!.sha }
      : { new_branch_name: branch, old_branch_name: from.name }
    try {
      await this.client.call('POST', path, { ...call, body })
      return 'created'
    } catch (error) {
      if (error instanceof ApiError && branchExists(this.kind, error)) return 'exists'
      throw error
    }
  }

  /**
   * A pull request's title as this forge shows a draft: GitHub has a draft flag (the title is
   * as given); Gitea/Forgejo have none, a `WIP:` title prefix is theirs (WORK_IN_PROGRESS_PREFIXES,
   * default "WIP:,[WIP]"), so a draft's title carries it, also when a rolling branch's pull
   * request is retitled for the next release.
   */
  pullTitle(title: string, draft: boolean): string {
    return draft && this.kind !== 'github' ? `WIP: ${title}` : title
  }

  /** Opens a pull request; 'exists' when the forge says one is open for that head and base. */
  async openPull(owner: string, repo: string, spec: PullSpec, call?: CallOptions): Promise<PullState | 'exists'> {
    const path = repoApiPath(owner, repo, 'pulls')
    const { draft = false, ...rest } = spec
    const title = this.pullTitle(rest.title, draft)
    const body = draft && this.kind === 'github' ? { ...rest, title, draft: true } : { ...rest, title }
    try {
      const answer = await this.client.call('POST', path, { ...call, body })
      return pullState(answer.data)
    } catch (error) {
      // Gitea 409 "pull request already exists for these targets"; GitHub 422 with
      // errors[].message "A pull request already exists for owner:branch.".
      if (
        error instanceof ApiError &&
        (error.status === 409 || error.status === 422) &&
        /already exists/i.test(error.serverText)
      ) {
        return 'exists'
      }
      throw error
    }
  }

  /** Gitea/Forgejo `GET /version` ({version}); null where there is none (GitHub). */
  async version(call?: CallOptions): Promise<string | null> {
    const answer = await absentOn404(this.client.call('GET', '/version', call))
    return answer ? String(object(answer.data, 'GET /version').version ?? '') || null : null
  }

  /**
   * Workflow runs for a commit: GitHub and Gitea >= 1.25 `GET /actions/runs?head_sha=` (GitHub
   * pages with per_page, Gitea with limit); Gitea 1.23-1.24 and Forgejo `GET /actions/tasks` (no
   * filter: matched here). Both answer {total_count, workflow_runs}. null when the forge has no
   * such endpoint (404).
   */
  async runs(
    owner: string,
    repo: string,
    sha: string,
    api: 'runs' | 'tasks',
    call?: CallOptions
  ): Promise<RunInfo[] | null> {
    const base = repoApiPath(owner, repo, 'actions', api)
    const size = this.kind === 'github' ? 'per_page' : 'limit'
    const query =
      api === 'runs'
        ? new URLSearchParams({ head_sha: sha, [size]: '30' })
        : new URLSearchParams({ limit: '50', page: '1' })
    const answer = await absentOn404(this.client.call('GET', `${base}?${query}`, call))
    return answer && runsOf(answer.data, `GET ${base}`, sha)
  }

  /**
   * Gitea/Forgejo: the commit's latest status per context (`GET /commits/{sha}/status`), where
   * Actions keeps one per job of each run (see jobsPending). Up to 50: a publish workflow has a few.
   */
  async jobStatuses(owner: string, repo: string, sha: string, call?: CallOptions): Promise<JobStatus[]> {
    const path = repoApiPath(owner, repo, 'commits', sha, 'status')
    const answer = await this.client.call('GET', `${path}?limit=50`, call)
    return jobStatusesOf(answer.data, `GET ${path}`)
  }

  /** Gitea/Forgejo: who the token belongs to. */
  async user(call?: CallOptions): Promise<string> {
    const user = object((await this.client.call('GET', '/user', call)).data, 'GET /user')
    return String(user.login ?? user.username ?? '')
  }

  /** GitHub: the core quota (costs none of it). */
  async rateLimit(call?: CallOptions): Promise<{ limit: number; remaining: number; reset: Date } | null> {
    const body = object((await this.client.call('GET', '/rate_limit', call)).data, 'GET /rate_limit')
    const core = object(
      object(body.resources ?? {}, 'GET /rate_limit resources').core ?? body.rate ?? {},
      'GET /rate_limit core'
    )
    const [limit, remaining, reset] = [Number(core.limit), Number(core.remaining), Number(core.reset)]
    if (![limit, remaining, reset].every(Number.isFinite)) return null
    return { limit, remaining, reset: new Date(reset * 1000) }
  }
}

/** Whether a refused branch creation says that very branch exists (see createBranch). */
export function branchExists(kind: ForgeKind | undefined, error: ApiError): boolean {
  if (kind === 'github') return error.status === 422 && /reference already exists/i.test(error.serverText)
  return error.status === 409 && /^the branch already exists\.?$/i.test(error.serverText.trim())
}
