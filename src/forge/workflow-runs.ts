import { ApiError } from './api-error.js'
import type { CallOptions } from './forge-client.js'
import type { RunInfo } from './forge-writes.js'
import { chooseRunsApi, type RunsApi, type RunsSource } from './runs-api.js'

/** A commit's runs as one listing showed them. */
export interface RunsListed {
  runs: RunInfo[]
  /** Task lists show one entry per job, each only once a runner took it. */
  perJob: boolean
  /** Set when this listing switched to the task list, saying why. */
  switched?: string
}

/**
 * Which endpoint lists a commit's workflow runs here, chosen once per run (runs-api.ts), and
 * Gitea 1.25.0-1.25.4's owner-only runs API (403 "user should be the owner of the repo":
 * routers/api/v1/api.go, release/v1.25, reqOwner; fixed in 1.26; seen on Gitea 1.25.4) taken as
 * the word to use the task list, which needs read access alone: for good, for every caller.
 */
export class WorkflowRuns {
  private chosen: Promise<RunsApi> | undefined

  constructor(private readonly api: RunsSource) {}

  source(): Promise<RunsApi> {
    return (this.chosen ??= chooseRunsApi(this.api))
  }

  /** The commit's runs; null where the forge has no such endpoint (404). */
  async list(owner: string, repo: string, sha: string, call?: CallOptions): Promise<RunsListed | null> {
    const source = await this.source()
    if ('none' in source) return null
    try {
      return wrap(await this.api.runs(owner, repo, sha, source.api, call), source.api)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403 || source.api !== 'runs' || this.api.kind === 'github')
        throw error
      this.chosen = Promise.resolve({ api: 'tasks' })
      const listed = wrap(await this.api.runs(owner, repo, sha, 'tasks', call), 'tasks')
      const switched = `the forge lists workflow runs only for the repository's owner (${error.message}): using its task list`
      return listed && { ...listed, switched }
    }
  }
}

function wrap(runs: RunInfo[] | null, api: 'runs' | 'tasks'): RunsListed | null {
  return runs && { runs, perJob: api === 'tasks' }
}
