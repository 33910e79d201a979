import { HttpClient } from '@actions/http-client'
import { TokenRejectedError } from './errors.js'
import type { Redactor } from './redact.js'
import { parseRetryAfter, withRetry, type RetryPolicy, type Verdict } from './retry.js'

/** The subset of a repository that the cascade decides on (Gitea and GitHub shapes). */
export interface RepoInfo {
  fullName: string
  defaultBranch: string
  archived: boolean
  mirror: boolean
  empty: boolean
  /** undefined when the forge did not say (the push itself will then decide). */
  canPush: boolean | undefined
}

export interface RepoFile {
  /** Blob id, as git names it. */
  sha: string
  /** Decoded content; undefined for a directory or a file the API did not inline. */
  content: string | undefined
  /** The exact bytes, when inlined. */
  raw?: Buffer
}

/** A final API failure. status 0 means no HTTP answer (reset, refused, timed out). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
    readonly timedOut = false
  ) {
    super(message)
  }
}

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504])
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND'
])

export function classifyApiError(error: unknown): Verdict {
  if (error instanceof ApiError) {
    if (error.status === 0 || TRANSIENT_STATUS.has(error.status))
      return { retry: true, retryAfterMs: error.retryAfterMs }
  }
  return { retry: false }
}

export interface ForgeClientOptions {
  apiUrl: string
  serverUrl: string
  token: string
  timeoutMs: number
  retry: RetryPolicy
  redactor: Redactor
}

type Log = (line: string) => void

/** Forge REST client: Gitea/Forgejo `/api/v1` and GitHub share every path used here. */
export class ForgeClient {
  private readonly http: HttpClient

  constructor(private readonly options: ForgeClientOptions) {
    // Retries, redirects to other hosts and timeouts are decided here, not by the library.
    this.http = new HttpClient('runtime-cascade', [], {
      allowRetries: false,
      keepAlive: true,
      socketTimeout: options.timeoutMs
    })
  }

  dispose(): void {
    this.http.dispose()
  }

  async getRepo(owner: string, repo: string, log: Log): Promise<RepoInfo> {
    const data = (await this.json('GET', repoApiPath(owner, repo), log)) as Record<string, unknown>
    const permissions = data.permissions as Record<string, unknown> | undefined
    return {
      fullName: String(data.full_name ?? `${owner}/${repo}`),
      defaultBranch: String(data.default_branch ?? ''),
      archived: data.archived === true,
      // Gitea says `mirror`; GitHub says `mirror_url`.
      mirror: data.mirror === true || (typeof data.mirror_url === 'string' && data.mirror_url !== ''),
      empty: data.empty === true,
      canPush: typeof permissions?.push === 'boolean' ? permissions.push : undefined
    }
  }

  /**
   * A file on a branch (the default branch when `ref` is undefined); null when it does not exist
   * (404). Any other failure throws.
   */
  async getFile(
    owner: string,
    repo: string,
    path: string,
    ref: string | undefined,
    log: Log
  ): Promise<RepoFile | null> {
    const query = ref === undefined ? '' : `?${new URLSearchParams({ ref })}`
    const url = `${repoApiPath(owner, repo, 'contents', path)}${query}`
    try {
      const data = await this.json('GET', url, log)
      if (Array.isArray(data)) return { sha: '', content: undefined }
      const file = data as Record<string, unknown>
      const raw =
        file.type === 'file' && typeof file.content === 'string' && file.encoding === 'base64'
          ? Buffer.from(file.content, 'base64')
          : undefined
      return { sha: String(file.sha ?? ''), content: raw?.toString('utf8'), raw }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null
      throw error
    }
  }

  /** Sends one request with bounded retries; returns the parsed JSON of a 2xx answer. */
  async json(method: string, path: string, log: Log, body?: unknown): Promise<unknown> {
    const what = `${method} ${path.replace(/\?.*/, '')}`
    let tries = 0
    try {
      return await withRetry(
        this.options.retry,
        () => (tries++, this.once(method, path, body)),
        classifyApiError,
        (error, delay, n) => log(`${what}: ${(error as Error).message}; retry ${n} in ${(delay / 1000).toFixed(1)} s`)
      )
    } catch (error) {
      // Say how hard we tried, so "HTTP 503" reads as "down", not "flaked once".
      if (error instanceof ApiError && tries > 1)
        throw new ApiError(
          error.status,
          `${error.message} (after ${tries} attempts)`,
          error.retryAfterMs,
          error.timedOut
        )
      throw error
    }
  }

  private async once(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `token ${this.options.token}`
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const payload = body === undefined ? null : JSON.stringify(body)
    const timeoutMs = this.options.timeoutMs
    // The socket timeout only covers silence; this deadline also bounds a server that trickles.
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ApiError(0, `timed out after ${seconds(timeoutMs)}`, undefined, true)),
        timeoutMs
      )
    })
    const exchange = (async () => {
      const response = await this.http.request(method, this.options.apiUrl + path, payload, headers)
      return {
        status: response.message.statusCode ?? 0,
        headers: response.message.headers,
        text: await response.readBody()
      }
    })()
    let answer: Awaited<typeof exchange>
    try {
      answer = await Promise.race([exchange, deadline])
    } catch (error) {
      exchange.catch(() => {}) // the abandoned request may still fail later; nobody listens
      if (error instanceof ApiError) throw error
      const message = (error as Error).message ?? String(error)
      const code = (error as NodeJS.ErrnoException).code
      if (message.startsWith('Request timeout'))
        throw new ApiError(0, `timed out after ${seconds(timeoutMs)}`, undefined, true)
      if (code && TRANSIENT_CODES.has(code)) throw new ApiError(0, `connection failed (${code})`)
      throw new ApiError(0, this.options.redactor.redact(`request failed: ${message}`))
    } finally {
      clearTimeout(timer)
    }
    if (answer.status === 401) throw new TokenRejectedError(this.options.serverUrl)
    if (answer.status < 200 || answer.status > 299) {
      const retryAfter = parseRetryAfter(headerValue(answer.headers['retry-after']))
      throw new ApiError(answer.status, `HTTP ${answer.status}: ${this.serverMessage(answer.text)}`, retryAfter)
    }
    if (answer.status === 204 || answer.text === '') return null
    try {
      return JSON.parse(answer.text)
    } catch {
      // Unreadable state fails closed: never guess what a garbled answer meant.
      throw new ApiError(answer.status, `HTTP ${answer.status} with a body that is not JSON`)
    }
  }

  /** The server's own words, trimmed to one line and stripped of anything secret. */
  private serverMessage(text: string): string {
    let message = text
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>
      if (typeof parsed.message === 'string') message = parsed.message
      // GitHub puts the useful part in errors[].message ("A pull request already exists...").
      const details = Array.isArray(parsed.errors)
        ? parsed.errors
            .map((e) => (typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : ''))
            .filter((e) => e && e !== message)
        : []
      if (details.length > 0) message = `${message}: ${details.join('; ')}`
    } catch {
      // not JSON: keep the raw text (an HTML error page from a proxy, say)
    }
    const line = message
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
    const trimmed = line.length > 200 ? `${line.slice(0, 200)}…` : line
    return this.options.redactor.redact(trimmed || 'no message')
  }
}

/**
 * `/repos/{owner}/{repo}` and more path parts, every segment encoded. A part with slashes (a
 * file path, a branch such as bump/runtime-1.2.3) keeps them as separators, which is how Gitea
 * and GitHub both take it.
 */
export function repoApiPath(owner: string, repo: string, ...parts: string[]): string {
  const tail = parts.flatMap((part) => part.split('/'))
  return ['', 'repos', owner, repo, ...tail].map((segment) => encodeURIComponent(segment)).join('/')
}
const seconds = (ms: number): string => `${+(ms / 1000).toFixed(1)} s`

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
