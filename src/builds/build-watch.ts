import { ApiError, RunStopError } from '../forge/api-error.js'
import type { ForgeApi, RunInfo } from '../forge/forge-api.js'
import { RetryGroup } from '../forge/retry-group.js'
import { runPool } from '../pipeline/pool.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import { chooseRunsApi, type RunsApi } from './runs-api.js'

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
  log: (line: string) => void
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
      for (const w of this.waiting.filter((x) => x.deadline <= now)) {
        // Only an answer that lists no run means not-started; a forge that kept failing does not.
        this.settle(
          w,
          w.unanswered
            ? { build: 'unknown', reason: `could not list workflow runs: ${w.unanswered}` }
            : { build: 'not-started', reason: `no workflow run appeared within ${seconds(this.options.timeoutMs)}` }
        )
      }
      await runPool([...this.waiting], this.options.concurrency, (w) => this.poll(w, api.api))
      if (this.stoppedBy) return
    }
  }

  private async poll(w: Watched, api: 'runs' | 'tasks'): Promise<void> {
    if (this.stoppedBy || !this.waiting.includes(w)) return
    let runs: RunInfo[] | null
    try {
      runs = await this.options.api.runs(w.owner, w.repo, w.sha, api, { subject: w.template, group: new RetryGroup(0) })
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
        { build: 'unknown', reason: `the forge has no ${api} API for workflow runs (HTTP 404)` },
        true
      )
    const run = runs.find((r) => w.workflowPath && r.path === w.workflowPath) ?? runs[0]
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
