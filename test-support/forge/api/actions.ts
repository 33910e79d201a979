import type { FlavourFacts } from '../flavours.js'
import type { Push, RepoMeta, RepoStore } from '../repo-store.js'
import { notFound, ok, type ApiAnswer } from './answers.js'

const WORKFLOW = /^\.(github|gitea|forgejo)\/workflows\/[^/]+\.ya?ml$/

interface Run {
  id: number
  push: Push
  path: string
  status: 'queued' | 'in_progress' | 'completed'
}

/**
 * Workflow runs, derived from the repositories: every push to the default branch whose tree
 * has a workflow starts a run after `runDelayMs` (unless the repository is marked `noRuns`),
 * in progress for `runMs`, then completed. Served as the flavour has them: GitHub and Gitea
 * 1.25 `GET /actions/runs?head_sha=`, Gitea 1.23 `GET /actions/tasks` (no filter), and no such
 * API on Gitea 1.22 and Forgejo.
 */
export class ActionsApi {
  runDelayMs = 300
  runMs = 2000

  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string
  ) {}

  async handle(meta: RepoMeta, rest: string, query: URLSearchParams): Promise<ApiAnswer | null> {
    const kind = /^\/actions\/(runs|tasks)$/.exec(rest)?.[1]
    if (!kind) return null
    if (this.facts.actions !== kind) return notFound(this.facts, this.baseUrl, 'repo')
    const runs = await this.runs(meta)
    if (kind === 'runs') {
      const sha = query.get('head_sha')
      const matching = runs.filter((r) => !sha || r.push.sha === sha)
      return ok({ total_count: matching.length, workflow_runs: matching.map((r) => this.runJson(meta, r)) })
    }
    // Gitea 1.23's tasks: newest first, paged with limit, no filter by commit.
    const limit = Math.min(50, Number(query.get('limit') ?? 50))
    const page = Math.max(1, Number(query.get('page') ?? 1))
    const newest = [...runs].reverse()
    return ok({
      total_count: newest.length,
      workflow_runs: newest.slice((page - 1) * limit, page * limit).map((r) => this.taskJson(meta, r))
    })
  }

  private async runs(meta: RepoMeta): Promise<Run[]> {
    if (meta.noRuns) return []
    const now = Date.now()
    const runs: Run[] = []
    for (const push of meta.pushes.filter((p) => p.branch === meta.defaultBranch && now >= p.at + this.runDelayMs)) {
      const listing = await this.store.listing(meta, push.sha)
      const path = [...listing.keys()].find((p) => WORKFLOW.test(p))
      if (!path) continue
      const status = now < push.at + this.runDelayMs + this.runMs ? 'in_progress' : 'completed'
      runs.push({ id: meta.id * 1000 + runs.length + 1, push, path, status })
    }
    return runs
  }

  private runJson(meta: RepoMeta, run: Run): Record<string, unknown> {
    return {
      id: run.id,
      head_sha: run.push.sha,
      head_branch: run.push.branch,
      path: run.path,
      event: 'push',
      status: run.status,
      conclusion: run.status === 'completed' ? 'success' : null,
      url: `${this.baseUrl}${this.facts.apiBase}/repos/${meta.fullName}/actions/runs/${run.id}`,
      html_url: `${this.baseUrl}/${meta.fullName}/actions/runs/${run.id}`
    }
  }

  private taskJson(meta: RepoMeta, run: Run): Record<string, unknown> {
    return {
      id: run.id,
      name: run.path.split('/').pop(),
      head_branch: run.push.branch,
      head_sha: run.push.sha,
      run_number: run.id % 1000,
      event: 'push',
      display_title: 'chore: pin runtime',
      status: run.status === 'completed' ? 'success' : 'running',
      workflow_id: run.path.split('/').pop(),
      url: `${this.baseUrl}/${meta.fullName}/actions/runs/${run.id % 1000}`
    }
  }
}
