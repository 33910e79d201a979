/**
 * Bounded retry with exponential backoff and jitter. The caller decides what is transient;
 * this module only decides how long to wait and when to give up.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  /** Delay before the first retry; doubles each time (about 1 s, 2 s, 4 s by default). */
  baseDelayMs: number
  /** A server's Retry-After is honoured up to this, so a hostile value cannot stall the run. */
  maxRetryAfterMs: number
}

export type Verdict = { retry: false } | { retry: true; retryAfterMs?: number }

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Backoff before retry number `retry` (1-based): base × 2^(retry-1), ±20 % jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number, retryAfterMs?: number, random = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** (retry - 1)
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()))
  if (retryAfterMs === undefined) return jittered
  return Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs))
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Runs `attempt` until it succeeds, `classify` says the error is permanent, or the attempts run
 * out; the last error is rethrown. `onRetry` is told before each wait (for the template's log).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  classify: (error: unknown) => Verdict,
  onRetry: (error: unknown, delayMs: number, n: number) => void = () => {}
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      const verdict = classify(error)
      if (!verdict.retry || n >= policy.attempts) throw error
      const delay = backoffDelay(policy, n, verdict.retryAfterMs)
      onRetry(error, delay, n)
      await sleep(delay)
    }
  }
}
