import { ApiError } from '../forge/api-error.js'
import type { ForgeApi, RunInfo } from '../forge/forge-api.js'
import { RetryGroup } from '../forge/retry-group.js'
import { RunStopError } from '../shared/run-control.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import { workflowFile } from './runs-api.js'
import type { Log } from '../shared/log.js'

interface InFlight {
  owner: string
  repo: string
  sha: string
  workflow?: string
  deadline: number
}

export interface WavesOptions {
  api: ForgeApi
  /** `max-builds-in-flight`: at most this many of the cascade's builds run at once. */
  max: number
  /** Which endpoint lists a commit's runs (chosen before any write: see chooseRunsApi). */
  runsApi: 'runs' | 'tasks'
  /** A build that never finishes gives its slot back after this (verify-timeout). */
  timeoutMs: number
  pollMs: number
  signal: AbortSignal
  log: Log
}

/** A run's state says it is over: `completed` (runs API), or a task's final status. */
const DONE = new Set(['completed', 'success', 'failure', 'cancelled', 'skipped'])

/**
 * Build waves (`max-builds-in-flight`): once N pins' builds are running, the next pin waits until
 * one of them completes, read from the same runs API as verify-build, so at most N template
 * builds run at any time. Bounded: a build that never finishes releases its slot after
 * verify-timeout; a cancel ends every wait at once. A pin that pushed nothing gives its slot back.
 */
export class BuildWaves {
  private readonly inFlight: InFlight[] = []
  private free: number
  private readonly waiting: Array<() => void> = []
  private loop: Promise<void> | undefined
  /** Ends the polling when the run is over: its last builds are not waited for. */
  private readonly over$ = new AbortController()
  /** Pins that had to wait, and the longest wait, for the summary. */
  waited = 0
  longestMs = 0

  constructor(private readonly o: WavesOptions) {
    this.free = o.max
  }

  /** Waits for a free slot: how long it waited (ms), or null when the run was cancelled meanwhile. */
  async slot(log: Log): Promise<number | null> {
    if (this.free > 0) {
      this.free--
      return 0
    }
    const started = Date.now()
    log(`${this.o.max} build(s) of this cascade are running: waiting for one to finish`)
    const freed = new Promise<void>((resolve) => this.waiting.push(resolve))
    const cancelled = new Promise<void>((resolve) =>
      this.o.signal.addEventListener('abort', () => resolve(), { once: true })
    )
    await Promise.race([freed, cancelled])
    if (this.o.signal.aborted) return null
    const took = Date.now() - started
    this.waited++
    this.longestMs = Math.max(this.longestMs, took)
    log(`a build slot came free after ${seconds(took)}`)
    return took
  }

  /** The pin pushed `sha`: its slot is held until that commit's build completes. */
  track(owner: string, repo: string, sha: string, workflow?: string): void {
    this.inFlight.push({ owner, repo, sha, workflow, deadline: Date.now() + this.o.timeoutMs })
    this.ensureLoop()
  }

  /** One polling loop; one that ended just as a build was added is started again, never lost. */
  private ensureLoop(): void {
    if (this.loop) return
    this.loop = this.poll().finally(() => {
      this.loop = undefined
      if (this.inFlight.length > 0 && !this.over$.signal.aborted && !this.o.signal.aborted) this.ensureLoop()
    })
  }

  /** The pin pushed nothing (unchanged, failed, skipped): its slot goes back at once. */
  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.free++
  }

  /** The run is over (every template done): stop polling; nothing waits on a slot any more. */
  close(): void {
    this.over$.abort()
    this.inFlight.length = 0
  }

  private async poll(): Promise<void> {
    const stop = AbortSignal.any([this.o.signal, this.over$.signal])
    try {
      while (this.inFlight.length > 0 && !stop.aborted) {
        if (!(await sleep(this.o.pollMs, stop))) return
        for (const build of [...this.inFlight]) {
          if (!(await this.over(build))) continue
          this.inFlight.splice(this.inFlight.indexOf(build), 1)
          this.release()
        }
      }
    } catch (error) {
      // The run is stopping (a rejected token, a rate limit too far off): no pin waits on builds.
      this.o.log(`build waves stopped: ${(error as Error).message}`)
      this.inFlight.length = 0
      this.free = Infinity
      for (const next of this.waiting.splice(0)) next()
    }
  }

  /** Done, or past its deadline; a fault while asking keeps the slot until the deadline. */
  private async over(b: InFlight): Promise<boolean> {
    if (Date.now() >= b.deadline) {
      this.o.log(`${b.owner}/${b.repo}: its build did not finish within verify-timeout: its slot is released`)
      return true
    }
    const call = { subject: `${b.owner}/${b.repo}`, group: new RetryGroup(0) }
    let runs: RunInfo[] | null
    try {
      runs = await this.o.api.runs(b.owner, b.repo, b.sha, this.o.runsApi, call)
    } catch (error) {
      if (error instanceof RunStopError || !(error instanceof ApiError)) throw error
      return false
    }
    const ours = (runs ?? []).filter((r) => !b.workflow || !r.path || workflowFile(r.path) === workflowFile(b.workflow))
    return ours.length > 0 && ours.every((r) => DONE.has(r.status))
  }
}

/**
 * `builds-per-minute`: pins paced by time, for a forge whose API cannot say when a build
 * finishes: a pin starts at most every 60/N seconds. Cancel ends the wait at once.
 */
export class MinutePace {
  private next = 0

  constructor(
    private readonly perMinute: number,
    private readonly signal: AbortSignal
  ) {}

  async slot(log: Log): Promise<number | null> {
    const now = Date.now()
    const at = Math.max(now, this.next)
    this.next = at + 60_000 / this.perMinute
    if (at <= now) return 0
    log(`builds-per-minute ${this.perMinute}: this pin waits ${seconds(at - now)}`)
    return (await sleep(at - now, this.signal)) ? at - now : null
  }

  track(): void {}

  release(): void {}

  close(): void {}
}

/** What the pipeline asks of the pacing: a slot before a pin lands, and what became of it. */
export interface Pacing {
  /** How long the pin waited for its slot (ms); null: cancelled meanwhile. */
  slot(log: Log): Promise<number | null>
  track(owner: string, repo: string, sha: string, workflow?: string): void
  release(): void
  /** The run is over: stop watching. */
  close(): void
}

/** Both paces at once, when both inputs are set. */
export function bothPaces(paces: Pacing[]): Pacing | undefined {
  if (paces.length <= 1) return paces[0]
  return {
    slot: async (log) => {
      let waited = 0
      for (const p of paces) {
        const ms = await p.slot(log)
        if (ms === null) return null
        waited += ms
      }
      return waited
    },
    track: (...args) => paces.forEach((p) => p.track(...args)),
    release: () => paces.forEach((p) => p.release()),
    close: () => paces.forEach((p) => p.close())
  }
}
