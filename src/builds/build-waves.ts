import type { Log } from '../shared/log.js'
import { seconds, sleep } from '../shared/retry-policy.js'
import type { RunPoller } from './run-poller.js'

export interface WavesOptions {
  /** `max-builds-in-flight`: at most this many of the cascade's builds run at once. */
  max: number
  /** Watches the builds (the one poller, shared with verify-build), each bounded by verify-timeout. */
  poller: RunPoller
  signal: AbortSignal
}

/**
 * Build waves (`max-builds-in-flight`): once N pins' builds are running, the next pin waits until
 * one of them is over, as the run poller sees it (the same runs as verify-build), so at most N
 * template builds run at any time. Bounded: a build that never finishes releases its slot after
 * verify-timeout; a cancel ends every wait at once. A pin that pushed nothing gives its slot back.
 */
export class BuildWaves {
  private free: number
  private readonly waiting: Array<() => void> = []
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

  /** The pin pushed `sha`: its slot is held until that commit's build is over. */
  track(owner: string, repo: string, sha: string, workflow?: string): void {
    void this.o.poller.finished({ template: `${owner}/${repo}`, owner, repo, sha, workflow }).then((finish) => {
      // The polling stopped (a rejected token, a rate limit too far off, the run's end): no pin waits on builds.
      if (finish === 'stopped') this.openAll()
      else this.release()
    })
  }

  /** The pin pushed nothing (unchanged, failed, skipped): its slot goes back at once. */
  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.free++
  }

  /** The run is over (every template done): nothing waits on a slot any more. */
  close(): void {
    this.o.poller.endWaits()
  }

  private openAll(): void {
    this.free = Infinity
    for (const next of this.waiting.splice(0)) next()
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
