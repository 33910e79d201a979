import type { FlavourFacts } from '../flavours.js'
import type { Push, RepoMeta, RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'

const WORKFLOW = /^\.(github|gitea|forgejo)\/workflows\/[^/]+\.ya?ml$/

interface Run {
  id: number
  push: Push
  path: string
  /** Waiting for a runner, running, or done. */
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: 'success' | 'failure'
}

/**
 * Workflow runs, derived from the repositories: every push to the default branch starts one run
 * per workflow file in its tree (in the tree's order, as Gitea's notifier detects them), unless
 * the repository is marked `noRuns`. A run waits `runDelayMs` to be created, then
 * `pickupDelayMs` for a runner (Infinity: no runner ever takes it), is in progress for `runMs`,
 * then completes with `conclusions[file]` (default success). Served as the flavour has them:
 * GitHub and Gitea 1.25 `GET /actions/runs?head_sha=` (newest first), Gitea 1.23-1.24 and
 * Forgejo `GET /actions/tasks` (newest first, no filter, and a task exists only once a runner
 * took the job: models/actions/task.go CreateTaskForRunner), no such API on Gitea 1.22.
 */
export class ActionsApi {
  runDelayMs = 300
  runMs = 2000
  /** How long a created run waits for a runner; Infinity plays a busy or offline runner. */
  pickupDelayMs = 0
  /** The conclusion per workflow file name (`tests.yml: 'failure'`); success otherwise. */
  conclusions: Record<string, 'success' | 'failure'> = {}
  /**
   * Whether the token's user owns the repositories. Gitea 1.25.0-1.25.4 answer `/actions/runs`
   * only to the owner (forge-facts.md); false plays a bot that is a collaborator.
   */
  tokenIsOwner = true

  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string
  ) {}

  async handle(meta: RepoMeta, rest: string, query: URLSearchParams): Promise<ApiAnswer | null> {
    const kind = /^\/actions\/(runs|tasks)$/.exec(rest)?.[1]
    if (!kind) return null
    // Gitea 1.25 keeps the task list beside its runs API (its swagger has both).
    const has =
      kind === 'runs'
        ? this.facts.actions === 'runs'
        : this.facts.actions === 'tasks' || (this.facts.actions === 'runs' && this.facts.family === 'gitea')
    if (!has) return notFound(this.facts, this.baseUrl, 'repo')
    if (kind === 'runs' && this.facts.runsNeedOwner && !this.tokenIsOwner)
      return errorAnswer(this.facts, this.baseUrl, 403, 'user should be the owner of the repo')
    const runs = await this.runs(meta)
    if (kind === 'runs') {
      const sha = query.get('head_sha')
      const matching = runs.filter((r) => !sha || r.push.sha === sha).reverse()
      return ok({ total_count: matching.length, workflow_runs: matching.map((r) => this.runJson(meta, r)) })
    }
    const limit = Math.min(50, Number(query.get('limit') ?? 50))
    const page = Math.max(1, Number(query.get('page') ?? 1))
    const taken = runs.filter((r) => r.status !== 'queued').reverse()
    return ok({
      total_count: taken.length,
      workflow_runs: taken.slice((page - 1) * limit, page * limit).map((r) => this.taskJson(meta, r))
    })
  }

  private async runs(meta: RepoMeta): Promise<Run[]> {
    if (meta.noRuns) return []
    const now = Date.now()
    const runs: Run[] = []
    for (const push of meta.pushes.filter((p) => p.branch === meta.defaultBranch && now >= p.at + this.runDelayMs)) {
      const listing = await this.store.listing(meta, push.sha)
      for (const path of [...listing.keys()].filter((p) => WORKFLOW.test(p))) {
        const taken = push.at + this.runDelayMs + this.pickupDelayMs
        const status = now < taken ? 'queued' : now < taken + this.runMs ? 'in_progress' : 'completed'
        const conclusion = this.conclusions[path.split('/').pop()!] ?? 'success'
        runs.push({ id: meta.id * 1000 + runs.length + 1, push, path, status, conclusion })
      }
    }
    return runs
  }

  private runJson(meta: RepoMeta, run: Run): Record<string, unknown> {
    return {
      id: run.id,
      head_sha: run.push.sha,
      head_branch: run.push.branch,
      path: this.facts.runPath(run.path, run.push.branch),
      event: 'push',
      status: run.status,
      // GitHub: null until completed; Gitea omits it (`conclusion,omitempty`, modules/structs/repo_actions.go).
      ...(run.status === 'completed'
        ? { conclusion: run.conclusion }
        : this.facts.family === 'github'
          ? { conclusion: null }
          : {}),
      url: `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/actions/runs/${run.id}`,
      html_url: `${this.baseUrl}/${meta.fullName}/actions/runs/${run.id}`
    }
  }

  /** Gitea's ActionTask: its status is the run's ("running", "success", "failure"). */
  private taskJson(meta: RepoMeta, run: Run): Record<string, unknown> {
    return {
      id: run.id,
      name: 'build',
      head_branch: run.push.branch,
      head_sha: run.push.sha,
      run_number: run.id % 1000,
      event: 'push',
      display_title: 'chore: pin runtime',
      status: run.status === 'completed' ? run.conclusion : 'running',
      workflow_id: run.path.split('/').pop(),
      url: `${this.baseUrl}/${meta.fullName}/actions/runs/${run.id % 1000}`
    }
  }
}
