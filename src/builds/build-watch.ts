import { ApiError } from '../forge/api-error.js'
import { RunStopError } from '../shared/run-control.js'
import type { ForgeApi, RunInfo } from '../forge/forge-api.js'
import { RetryGroup } from '../forge/retry-group.js'
import { runPool } from '../shared/pool.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import { chooseRunsApi, workflowFile, type RunsApi } from './runs-api.js'
import type { Log } from '../shared/log.js'

/** What became of the build a pin should have started. */
export type BuildState =
  | { build: 'started'; url: string; status: string }
  | { build: 'not-started'; reason: string }
  | { build: 'unknown'; reason: string }

interface Watched {
  template: string
  owner: string
  repo: string
  sha: string
  workflowPath?: string
  deadline: number
  done: (state: BuildState) => void
  /** The last poll's transient fault, until a poll gets an answer. */
  unanswered?: string
}

export interface BuildWatchOptions {
  api: ForgeApi
  timeoutMs: number
  /** The first poll comes this long after a pin; the wait grows by half each round, to 15 s. */
  firstPollMs: number
  concurrency: number
  signal: AbortSignal
  log: Log
}

const MAX_INTERVAL_MS = 15_000

/**
 * Looks for the workflow run each pin started: one polling loop for every updated template,
 * running while other templates are still being pinned, so verifying adds little wall time.
 * Each round asks once per template still waiting (a few at a time), the wait between rounds
 * grows, and every template has its deadline (verify-timeout after its pin). A rate limit or a
 * failure while polling makes a build `unknown`, never a failed template by itself.
 */
export class BuildWatch {
  private readonly waiting: Watched[] = []
  private runsApi: Promise<RunsApi> | undefined
  private loop: Promise<void> | undefined
  private closed = false
  private stoppedBy: string | undefined
  /** Cuts the loop's wait short: a first template to watch, or no more to come. */
  private wake = new AbortController()

  constructor(private readonly options: BuildWatchOptions) {}

  /** Starts looking for the build of `sha`; resolves when it is known. */
  watch(template: string, owner: string, repo: string, sha: string, workflowPath?: string): Promise<BuildState> {
    return new Promise((done) => {
      if (this.stoppedBy) return done({ build: 'unknown', reason: this.stoppedBy })
      if (this.waiting.length === 0) this.wake.abort()
      this.waiting.push({
        template,
        owner,
        repo,
        sha,
        workflowPath,
        deadline: Date.now() + this.options.timeoutMs,
        done
      })
      this.loop ??= this.run()
    })
  }

  /** No more pins will come; resolves when every build is known. */
  async finish(): Promise<void> {
    this.closed = true
    this.wake.abort()
    await this.loop
  }

  /** Waits `ms`, or until woken; false when the run is cancelled. */
  private async nap(ms: number): Promise<boolean> {
    const wake = (this.wake = new AbortController())
    const cancel = () => wake.abort()
    this.options.signal.addEventListener('abort', cancel, { once: true })
    await sleep(ms, wake.signal)
    this.options.signal.removeEventListener('abort', cancel)
    return !this.options.signal.aborted
  }

  private async run(): Promise<void> {
    let interval = this.options.firstPollMs
    for (;;) {
      if (this.waiting.length === 0) {
        if (this.closed) return
        // Nothing to ask about yet: wait for the next pin, then start the backoff afresh.
        if (!(await this.nap(3_600_000))) return this.settleAll({ build: 'unknown', reason: 'cancelled' })
        interval = this.options.firstPollMs
        continue
      }
      if (!(await this.nap(interval))) return this.settleAll({ build: 'unknown', reason: 'cancelled' })
      interval = Math.min(interval * 1.5, MAX_INTERVAL_MS)
      if (this.waiting.length === 0) continue
      const api = await (this.runsApi ??= chooseRunsApi(this.options.api))
      if ('none' in api) return this.settleAll({ build: 'unknown', reason: api.none }, true)
      const now = Date.now()
      for (const w of this.waiting.filter((x) => x.deadline <= now)) this.settle(w, this.timedOut(w, api.api))
      await runPool([...this.waiting], this.options.concurrency, (w) => this.poll(w))
      if (this.stoppedBy) return
    }
  }

  /**
   * A build past its deadline. Only an answer that lists no run means not-started; a forge that
   * kept failing does not. A task list shows a run only once a runner has taken its job (Gitea
   * 1.23-1.24 and Forgejo: models/actions/task.go CreateTaskForRunner), so there nothing seen
   * may be a build queued behind a busy or offline runner: unknown, said so, never a failure.
   */
  private timedOut(w: Watched, api: 'runs' | 'tasks'): BuildState {
    const within = seconds(this.options.timeoutMs)
    if (w.unanswered) return { build: 'unknown', reason: `could not list workflow runs: ${w.unanswered}` }
    if (api === 'tasks') {
      return {
        build: 'unknown',
        reason: `no runner has taken a job for it within ${within} (this forge lists a run only once a runner picks it up: it may be queued)`
      }
    }
    return { build: 'not-started', reason: `no workflow run appeared within ${within}` }
  }

  /**
   * Gitea 1.25.0-1.25.4 answer `/actions/runs` only for the repository's owner (403 "user should
   * be the owner of the repo": routers/api/v1/api.go, release/v1.25, reqOwner; fixed in 1.26);
   * `/actions/tasks` needs read access alone. On that 403 the run switches to tasks for good.
   */
  private async listRuns(w: Watched, api: 'runs' | 'tasks'): Promise<RunInfo[] | null> {
    const call = { subject: w.template, group: new RetryGroup(0) }
    try {
      return await this.options.api.runs(w.owner, w.repo, w.sha, api, call)
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403 || api !== 'runs' || this.options.api.kind === 'github')
        throw error
      this.options.log(
        `the forge lists workflow runs only for the repository's owner (${error.message}): using its task list`
      )
      this.runsApi = Promise.resolve({ api: 'tasks' })
      return this.options.api.runs(w.owner, w.repo, w.sha, 'tasks', call)
    }
  }

  private async poll(w: Watched): Promise<void> {
    if (this.stoppedBy || !this.waiting.includes(w)) return
    const chosen = await this.runsApi!
    if ('none' in chosen) return
    let runs: RunInfo[] | null
    try {
      runs = await this.listRuns(w, chosen.api)
    } catch (error) {
      if (error instanceof RunStopError) {
        // A rate limit (or a token gone) while polling: stop asking, never fail a pin for it.
        return this.settleAll({ build: 'unknown', reason: `polling stopped: ${error.inFlight}` }, true)
      }
      if (error instanceof ApiError && error.transient) {
        w.unanswered = error.message // asked again next round
        return
      }
      return this.settle(w, { build: 'unknown', reason: `could not list workflow runs: ${(error as Error).message}` })
    }
    w.unanswered = undefined
    if (runs === null)
      return this.settleAll(
        { build: 'unknown', reason: `the forge has no ${chosen.api} API for workflow runs (HTTP 404)` },
        true
      )
    const run = ourRun(runs, w.workflowPath)
    if (!run) return
    const status = run.conclusion ? `${run.status}: ${run.conclusion}` : run.status
    this.options.log(`${w.template}: build started (${status}) ${run.url}`)
    this.settle(w, { build: 'started', url: run.url, status })
  }

  private settle(w: Watched, state: BuildState): void {
    const at = this.waiting.indexOf(w)
    if (at < 0) return
    this.waiting.splice(at, 1)
    w.done(state)
  }

  /** Every waiting build (and, when `final`, every later one) gets this state. */
  private settleAll(state: Extract<BuildState, { build: 'unknown' }>, final = false): void {
    if (final) this.stoppedBy = state.reason
    for (const w of [...this.waiting]) this.settle(w, state)
  }
}

/**
 * The run of the probed workflow among a commit's runs: matched by file name (see
 * workflowFile), never another workflow's (CI's failure is not the image build). Only where the
 * forge names no workflow at all is the newest run taken.
 */
export function ourRun(runs: RunInfo[], workflowPath: string | undefined): RunInfo | undefined {
  if (!workflowPath || runs.every((r) => !r.path)) return runs[0]
  const file = workflowFile(workflowPath)
  return runs.find((r) => r.path && workflowFile(r.path) === file)
}
