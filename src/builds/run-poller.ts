import { ApiError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { RunInfo } from '../forge/forge-writes.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { Log } from '../shared/log.js'
import { runPool } from '../shared/pool.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import { RunStopError } from '../shared/run-control.js'
import { jobsPending, workflowFile } from '../forge/runs-api.js'
import type { RunsListed } from '../forge/workflow-runs.js'

/** What became of the build a pin should have started. */
export type BuildState =
  | { build: 'started'; url: string; status: string }
  | { build: 'not-started'; reason: string }
  | { build: 'unknown'; reason: string }

/** How waiting for a build to finish ended: it did, its deadline passed, or the polling stopped. */
export type Finish = 'done' | 'timed-out' | 'stopped'

/** A pushed commit whose build (its run of the probed workflow) is looked for. */
export interface Watched {
  template: string
  owner: string
  repo: string
  sha: string
  workflow?: string
}

interface Entry extends Watched {
  deadline: number
  started?: (state: BuildState) => void
  finished?: (finish: Finish) => void
  /** The last poll's transient fault, until a poll gets an answer. */
  unanswered?: string
  /** Tasks: when every job seen was first found done (a later job may yet be taken). */
  doneSince?: number
  /** The last listing showed one entry per job (a task list). */
  perJob?: boolean
  /** Tasks all done: whether the commit's statuses show a job of the run still to do (null: they do not say). */
  jobsLeft?: boolean | null
}

export interface RunPollerOptions {
  api: ForgeApi
  timeoutMs: number
  /** The first poll comes this long after a commit is watched; the wait grows by half each round. */
  firstPollMs: number
  concurrency: number
  signal: AbortSignal
  log: Log
  /** How long a task list must show no new job before its run counts as over, where the commit's statuses do not say (TASK_SETTLE_MS). */
  taskSettleMs?: number
}

/** A run's state says it is over: `completed` (runs API), or a task's final status. */
const DONE = new Set(['completed', 'success', 'failure', 'cancelled', 'skipped'])
/** The longest wait between rounds: 5 s while a build slot waits on them, 15 s otherwise. */
const MAX_INTERVAL_MS = { slots: 5_000, starts: 15_000 }
/**
 * A task is one job, created only when a runner takes it (models/actions/task.go), so a run whose
 * jobs are all done may still have one to come (`needs:`, or a busy runner). The commit's statuses
 * say so (one per job from the run's creation: jobsPending); where they do not, a run counts as
 * done once no new job of it has been taken for this long (a runner asks for work every 2 s by
 * default: act_runner's fetch_interval). Seen on Gitea 1.25.4 under load: a second job taken more
 * than 3 s after the first ended, so the settle alone freed a wave's slot too early.
 */
export const TASK_SETTLE_MS = 3_000

/**
 * The one poller of workflow runs, for verify-build (has the pin's build started?) and build
 * waves (is it over, so the next pin may land?). One loop for every pushed commit, a few at a
 * time, with a deadline each (verify-timeout after its pin); one request per commit per round
 * serves both questions. The runs API is chosen once, and on Gitea 1.25.0-1.25.4's owner-only 403
 * the task list is used instead, for both. A rate limit or a failure while polling makes a build
 * `unknown` and ends the waits, never a failed template by itself.
 */
export class RunPoller {
  private readonly entries: Entry[] = []
  private loop: Promise<void> | undefined
  private closed = false
  private stoppedBy: string | undefined
  private wake = new AbortController()

  constructor(private readonly o: RunPollerOptions) {}

  /** Resolves once the commit's build has started, or with why it is not known to have. */
  watch(template: string, owner: string, repo: string, sha: string, workflow?: string): Promise<BuildState> {
    return new Promise((done) => {
      if (this.stoppedBy) return done({ build: 'unknown', reason: this.stoppedBy })
      this.entry({ template, owner, repo, sha, workflow }).started = done
    })
  }

  /** Resolves once the commit's build is over, or its deadline passed, or the polling stopped. */
  finished(w: Watched): Promise<Finish> {
    return new Promise((done) => {
      if (this.stoppedBy) return done('stopped')
      this.entry(w).finished = done
    })
  }

  /** No more commits will come; resolves when every build start is known. */
  async finish(): Promise<void> {
    this.endWaits()
    this.closed = true
    this.wake.abort()
    await this.loop
  }

  /** The run is over: nobody waits for a build to finish any more (its last builds are not waited for). */
  endWaits(): void {
    for (const e of this.entries) e.finished?.('stopped')
    for (const e of this.entries) e.finished = undefined
    this.prune()
  }

  private entry(w: Watched): Entry {
    let found = this.entries.find((e) => e.owner === w.owner && e.repo === w.repo && e.sha === w.sha)
    if (!found) {
      if (this.entries.length === 0) this.wake.abort()
      found = { ...w, deadline: Date.now() + this.o.timeoutMs }
      this.entries.push(found)
    }
    this.loop ??= this.run()
    return found
  }

  /** Waits `ms`, or until woken; false when the run is cancelled. */
  private async nap(ms: number): Promise<boolean> {
    const wake = (this.wake = new AbortController())
    const cancel = () => wake.abort()
    this.o.signal.addEventListener('abort', cancel, { once: true })
    await sleep(ms, wake.signal)
    this.o.signal.removeEventListener('abort', cancel)
    return !this.o.signal.aborted
  }

  private async run(): Promise<void> {
    let interval = this.o.firstPollMs
    for (;;) {
      if (this.entries.length === 0) {
        if (this.closed) return
        // Nothing to ask about yet: wait for the next commit, then start the backoff afresh.
        if (!(await this.nap(3_600_000))) return this.stop('cancelled')
        interval = this.o.firstPollMs
        continue
      }
      if (!(await this.nap(interval))) return this.stop('cancelled')
      const cap = this.entries.some((e) => e.finished) ? MAX_INTERVAL_MS.slots : MAX_INTERVAL_MS.starts
      interval = Math.min(interval * 1.5, cap)
      const source = await this.o.api.workflowRuns.source()
      if ('none' in source) return this.stop(source.none)
      this.expire()
      await runPool([...this.entries], this.o.concurrency, (e) => this.poll(e))
      if (this.stoppedBy) return
    }
  }

  /** Entries past their deadline: a start not seen, a slot given back. */
  private expire(): void {
    const now = Date.now()
    for (const e of this.entries.filter((x) => x.deadline <= now)) {
      e.started?.(this.timedOut(e))
      if (e.finished) {
        this.o.log(`${e.owner}/${e.repo}: its build did not finish within verify-timeout: its slot is released`)
        e.finished('timed-out')
      }
      e.started = e.finished = undefined
    }
    this.prune()
  }

  /**
   * A start past its deadline. Only an answer that lists no run means not-started; a forge that
   * kept failing does not. A task list shows a run only once a runner has taken its job (Gitea
   * 1.23-1.24 and Forgejo: models/actions/task.go CreateTaskForRunner), so there nothing seen may
   * be a build queued behind a busy or offline runner: unknown, said so, never a failure.
   */
  private timedOut(e: Entry): BuildState {
    const within = seconds(this.o.timeoutMs)
    if (e.unanswered) return { build: 'unknown', reason: `could not list workflow runs: ${e.unanswered}` }
    if (e.perJob) {
      return {
        build: 'unknown',
        reason: `no runner has taken a job for it within ${within} (this forge lists a run only once a runner picks it up: it may be queued)`
      }
    }
    return { build: 'not-started', reason: `no workflow run appeared within ${within}` }
  }

  private async poll(e: Entry): Promise<void> {
    if (this.stoppedBy || !this.entries.includes(e)) return
    let listed: RunsListed | null
    try {
      listed = await this.o.api.workflowRuns.list(e.owner, e.repo, e.sha, {
        subject: e.template,
        group: new RetryGroup(0)
      })
    } catch (error) {
      if (error instanceof RunStopError) return this.stop(`polling stopped: ${error.inFlight}`)
      if (error instanceof ApiError && error.transient) {
        e.unanswered = error.message // asked again next round
        return
      }
      e.started?.({ build: 'unknown', reason: `could not list workflow runs: ${(error as Error).message}` })
      e.finished?.('stopped')
      e.started = e.finished = undefined
      return this.prune()
    }
    e.unanswered = undefined
    if (listed === null) return this.stop('the forge has no API for workflow runs (HTTP 404)')
    if (listed.switched) this.o.log(listed.switched)
    e.perJob = listed.perJob
    const ours = ourRuns(listed.runs, e.workflow)
    if (e.finished && e.perJob) e.jobsLeft = await this.jobsLeft(e, ours)
    if (!this.stoppedBy) this.seen(e, ours)
  }

  /** Every task seen done: whether the commit's statuses show a job of those runs still to do. */
  private async jobsLeft(e: Entry, ours: RunInfo[]): Promise<boolean | null> {
    if (ours.length === 0 || !ours.every((r) => DONE.has(r.status))) return null
    try {
      const call = { subject: e.template, group: new RetryGroup(0) }
      return jobsPending(await this.o.api.jobStatuses(e.owner, e.repo, e.sha, call), [
        ...new Set(ours.map((r) => r.url))
      ])
    } catch (error) {
      if (error instanceof RunStopError) this.stop(`polling stopped: ${error.inFlight}`)
      return null // unreadable: the settle decides, as where a forge writes no such statuses
    }
  }

  /** What one poll found for a commit: its build started, and perhaps over. */
  private seen(e: Entry, ours: RunInfo[]): void {
    if (ours.length === 0) return
    if (e.started) {
      const run = ours[0]
      const status = run.conclusion ? `${run.status}: ${run.conclusion}` : run.status
      this.o.log(`${e.template}: build started (${status}) ${run.url}`)
      e.started({ build: 'started', url: run.url, status })
      e.started = undefined
    }
    if (e.finished) {
      const over = ours.every((r) => DONE.has(r.status)) && e.jobsLeft !== true
      const settled =
        !e.perJob ||
        e.jobsLeft === false ||
        (e.doneSince !== undefined && Date.now() - e.doneSince >= (this.o.taskSettleMs ?? TASK_SETTLE_MS))
      e.doneSince = over ? (e.doneSince ?? Date.now()) : undefined
      if (over && settled) {
        e.finished('done')
        e.finished = undefined
      }
    }
    this.prune()
  }

  private prune(): void {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (!this.entries[i].started && !this.entries[i].finished) this.entries.splice(i, 1)
  }

  /** Polling ends for good: every start unknown for `reason`, every wait for a build's end over. */
  private stop(reason: string): void {
    if (reason !== 'cancelled' && this.entries.length > 0) this.o.log(`looking for builds stopped: ${reason}`)
    this.stoppedBy = reason
    for (const e of this.entries) {
      e.started?.({ build: 'unknown', reason })
      e.finished?.('stopped')
    }
    this.entries.length = 0
  }
}

/**
 * The probed workflow's runs among a commit's runs: matched by file name (see workflowFile),
 * never another workflow's (CI's failure is not the image build); where the forge names no
 * workflow at all, every run of the commit. Newest first, as the forges list them.
 */
export function ourRuns(runs: RunInfo[], workflow: string | undefined): RunInfo[] {
  if (!workflow || runs.every((r) => !r.path)) return runs
  const file = workflowFile(workflow)
  return runs.filter((r) => r.path && workflowFile(r.path) === file)
}
