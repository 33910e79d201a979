/**
 * The retry policy, in one place: how many tries, how long between them, and which failures
 * are worth another try at all. Callers decide *what* failed; this module decides *whether and
 * when* to try again.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number
  /** Delay before the first retry; doubles each time (about 1 s, 2 s, 4 s by default). */
  baseDelayMs: number
  /** A server's Retry-After is honoured up to this, so a hostile value cannot stall the run. */
  maxRetryAfterMs: number
}

/** API requests: 4 tries (3 retries: about 1 s, 2 s, 4 s with the default retry-delay-ms). */
export const API_ATTEMPTS = 4
/** Longest Retry-After honoured for a transient fault (rate limits have their own bound). */
export const MAX_RETRY_AFTER_MS = 30_000
/** HTTP statuses that say "try again later". 4xx never are, except 429 (too many requests). */
export const TRANSIENT_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504])
/** Socket errors that say the connection, not the request, failed. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET'
])

export function apiPolicy(baseDelayMs: number): RetryPolicy {
  return { attempts: API_ATTEMPTS, baseDelayMs, maxRetryAfterMs: MAX_RETRY_AFTER_MS }
}

/** git rounds: `max-attempts` rounds in all, the same backoff, no Retry-After (git has none). */
export function gitPolicy(maxAttempts: number, baseDelayMs: number): RetryPolicy {
  return { attempts: maxAttempts, baseDelayMs, maxRetryAfterMs: 0 }
}

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

/** A wait that ends early (resolving false) when `signal` aborts: a cancelled run never sleeps on. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(completed)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export const seconds = (ms: number): string => `${+(ms / 1000).toFixed(1)} s`
