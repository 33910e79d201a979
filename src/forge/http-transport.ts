import { HttpClient } from '@actions/http-client'
import type { IncomingHttpHeaders } from 'node:http'
import type { Redactor } from '../shared/redact.js'
import { seconds, TRANSIENT_CODES } from '../shared/retry-policy.js'
import { ApiError } from './api-error.js'

/** One answer, after any redirects; `url` is where it finally came from. */
export interface Exchange {
  status: number
  headers: IncomingHttpHeaders
  text: string
  url: string
}

const REDIRECT = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * Sends one request: the token, a deadline, and redirects followed here rather than by the
 * library. @actions/http-client follows a redirect with `new URL(location)`, which throws on the
 * root-relative Location that Gitea and Forgejo send for a renamed repository; and it would
 * follow one to any host, token and all. Here a Location is resolved against the request URL,
 * followed only within the same origin, and at most five times.
 */
export class HttpTransport {
  private readonly http: HttpClient

  constructor(
    private readonly timeoutMs: number,
    private readonly redactor: Redactor
  ) {
    this.http = new HttpClient('runtime-cascade', [], {
      allowRetries: false,
      allowRedirects: false,
      keepAlive: true,
      socketTimeout: timeoutMs
    })
  }

  /** Ends every request in flight (their callers see a connection failure). */
  dispose(): void {
    this.http.dispose()
  }

  /** `authorization`: the header's value, `token <t>` or `Bearer <jwt>`. */
  async send(method: string, url: string, body: unknown, authorization: string): Promise<Exchange> {
    let current = url
    for (let hop = 0; ; hop++) {
      const answer = await this.once(method, current, body, authorization)
      if (!REDIRECT.has(answer.status)) return answer
      const location = first(answer.headers.location)
      if (!location) return answer
      const next = new URL(location, current)
      if (next.origin !== new URL(current).origin) {
        // The token was given for this forge; another origin never sees it.
        throw new ApiError(
          answer.status,
          `HTTP ${answer.status}: redirected to another origin (${this.show(next)}); not followed with the token`
        )
      }
      // 301/302/303 turn a write into a GET in every browser; a write is never re-sent blindly.
      if (method !== 'GET' && answer.status !== 307 && answer.status !== 308) {
        throw new ApiError(
          answer.status,
          `HTTP ${answer.status}: ${method} redirected to ${this.show(next)}; not re-sent`
        )
      }
      if (hop + 1 >= MAX_REDIRECTS) throw new ApiError(answer.status, `HTTP ${answer.status}: too many redirects`)
      current = next.toString()
    }
  }

  private async once(method: string, url: string, body: unknown, authorization: string): Promise<Exchange> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization,
      // GitHub's REST version; other forges ignore it.
      'X-GitHub-Api-Version': '2022-11-28'
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const payload = body === undefined ? null : JSON.stringify(body)
    // The socket timeout only covers silence; this deadline also bounds a server that trickles.
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut(this.timeoutMs)), this.timeoutMs)
    })
    const exchange = (async (): Promise<Exchange> => {
      const response = await this.http.request(method, url, payload, headers)
      const text = await response.readBody()
      return { status: response.message.statusCode ?? 0, headers: response.message.headers, text, url }
    })()
    try {
      return await Promise.race([exchange, deadline])
    } catch (error) {
      exchange.catch(() => {}) // the abandoned request may still fail later; nobody listens
      if (error instanceof ApiError) throw error
      const message = (error as Error).message ?? String(error)
      const code = (error as NodeJS.ErrnoException).code
      if (message.startsWith('Request timeout')) throw timedOut(this.timeoutMs)
      if (code && TRANSIENT_CODES.has(code)) throw new ApiError(0, `connection failed (${code})`, true)
      if (/socket hang up|aborted/i.test(message)) throw new ApiError(0, 'connection failed (closed)', true)
      throw new ApiError(0, `request failed: ${this.redactor.clip(message, 200)}`)
    } finally {
      clearTimeout(timer)
    }
  }

  /** A URL fit for a message: no query (it may carry anything), redacted. */
  private show(url: URL): string {
    return this.redactor.clip(`${url.origin}${url.pathname}`, 200)
  }
}

function timedOut(ms: number): ApiError {
  return new ApiError(0, `timed out after ${seconds(ms)}`, true)
}

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
