import { parse } from 'yaml'
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
  /** Its jobs' names, one after another (each `runMs`), and how many a runner has taken so far. */
  jobs: string[]
  taken: number
}

/**
 * Workflow runs, derived from the repositories: every push to the default branch starts one run
 * per workflow file in its tree (in the tree's order, as Gitea's notifier detects them), unless
 * the repository is marked `noRuns`. A run waits `runDelayMs` to be created, then
 * `pickupDelayMs` for a runner (Infinity: no runner ever takes it); its jobs (the workflow's
 * `jobs:`) then run one after another, `runMs` each, and it completes with `conclusions[file]`
 * (default success). Served as the flavour has them: GitHub and Gitea 1.25+ `GET
 * /actions/runs?head_sha=` (newest first, one per run), Gitea 1.23+ and Forgejo `GET
 * /actions/tasks` (newest first, no filter, one per job, and a task exists only once a runner
 * took that job: models/actions/task.go CreateTaskForRunner; seen on Gitea 1.25.4, where a
 * two-job workflow's second task appeared only when its first job was done), none on 1.22.
 */
export class ActionsApi {
  runDelayMs = 300
  runMs = 2000
  /**
   * Between one job's end and a runner taking the next (its fetch_interval, 2 s by default): the
   * task list then shows every job of the run done while the run is not (seen on Gitea 1.25.4:
   * `build: success` alone, then `step-2: running`).
   */
  jobGapMs = 1000
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
    const status = /^\/commits\/([0-9a-f]{40})\/status$/.exec(rest)?.[1]
    if (status && this.facts.family !== 'github') return ok(await this.combinedStatus(meta, status))
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
    const now = Date.now()
    const tasks = runs
      .flatMap((r) => r.jobs.slice(0, r.taken).map((job, i) => ({ run: r, job, done: this.jobDone(r, i, now) })))
      .reverse()
    return ok({
      total_count: tasks.length,
      workflow_runs: tasks.slice((page - 1) * limit, page * limit).map((t) => this.taskJson(meta, t.run, t.job, t.done))
    })
  }

  /**
   * Gitea's combined status of a commit (`GET /commits/{ref}/status`), as its Actions writes it:
   * one status per job of each run from the run's creation, pending until that job ends, then its
   * conclusion; context "<workflow name> / <job> (push)", target "<run link>/jobs/<n>", relative
   * (services/actions/commit_status.go and notifier_helper.go, Gitea 1.22.6-1.26.3 and Forgejo
   * v11.0.15). Seen on Gitea 1.25.4: a workflow without `name:` gives "/ build (push)", target
   * "/<owner>/<repo>/actions/runs/1/jobs/0" beside a task url ".../actions/runs/1".
   */
  private async combinedStatus(meta: RepoMeta, sha: string): Promise<Record<string, unknown>> {
    const now = Date.now()
    const statuses = (await this.runs(meta))
      .filter((r) => r.push.sha === sha)
      .flatMap((run) =>
        run.jobs.map((job, i) => ({
          id: run.id * 10 + i,
          status: this.jobDone(run, i, now) ? run.conclusion : 'pending',
          target_url: `/${meta.fullName}/actions/runs/${run.id % 1000}/jobs/${i}`,
          context: `/ ${job} (push)`
        }))
      )
    const state = statuses.some((s) => s.status === 'pending')
      ? 'pending'
      : statuses.some((s) => s.status === 'failure')
        ? 'failure'
        : 'success'
    return { state, sha, total_count: statuses.length, statuses }
  }

  /** Job `i` of a run is done once its `runMs` are over (the next one is taken `jobGapMs` later). */
  private jobDone(run: Run, i: number, now: number): boolean {
    const start = run.push.at + this.runDelayMs + this.pickupDelayMs + i * (this.runMs + this.jobGapMs)
    return now >= start + this.runMs
  }

  private async runs(meta: RepoMeta): Promise<Run[]> {
    if (meta.noRuns) return []
    const now = Date.now()
    const runs: Run[] = []
    for (const push of meta.pushes.filter((p) => p.branch === meta.defaultBranch && now >= p.at + this.runDelayMs)) {
      const listing = await this.store.listing(meta, push.sha)
      for (const [path, entry] of [...listing].filter(([p]) => WORKFLOW.test(p))) {
        const jobs = jobsOf((await this.store.blob(meta, entry.sha)).toString('utf8'))
        const start = push.at + this.runDelayMs + this.pickupDelayMs
        const step = this.runMs + this.jobGapMs
        const taken = now < start ? 0 : Math.min(jobs.length, Math.floor((now - start) / step) + 1)
        const over = now >= start + jobs.length * step - this.jobGapMs
        const status = taken === 0 ? 'queued' : over ? 'completed' : 'in_progress'
        const conclusion = this.conclusions[path.split('/').pop()!] ?? 'success'
        runs.push({ id: meta.id * 1000 + runs.length + 1, push, path, status, conclusion, jobs, taken })
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

  /** Gitea's ActionTask, one job of a run: "running" until done, then the run's conclusion. */
  private taskJson(meta: RepoMeta, run: Run, job: string, done: boolean): Record<string, unknown> {
    return {
      id: run.id * 10 + run.jobs.indexOf(job),
      name: job,
      head_branch: run.push.branch,
      head_sha: run.push.sha,
      run_number: run.id % 1000,
      event: 'push',
      display_title: 'chore: pin runtime',
      status: done ? run.conclusion : 'running',
      workflow_id: run.path.split('/').pop(),
      url: `${this.baseUrl}/${meta.fullName}/actions/runs/${run.id % 1000}`
    }
  }
}

/** A workflow's job names (its `jobs:` keys); one `build` job where the text says none. */
function jobsOf(text: string): string[] {
  try {
    const jobs = (parse(text) as { jobs?: Record<string, unknown> } | null)?.jobs
    const names = jobs && typeof jobs === 'object' ? Object.keys(jobs) : []
    return names.length > 0 ? names : ['build']
  } catch {
    return ['build']
  }
}
