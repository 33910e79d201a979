import { execFile } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const exec = promisify(execFile)

/** An answer from the live forge: its status and JSON (or text). */
export interface LiveAnswer {
  status: number
  data: unknown
}

/**
 * The live arena's own road to a Gitea or Forgejo: the REST API with the admin's token (or a
 * user's basic auth, which creating a token requires), and git for seeding repositories. It is
 * test code arranging a scenario, so it is plain: a refusal throws with the forge's words, except
 * for the statuses a caller says it expects.
 */
export class LiveClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string
  ) {}

  get apiUrl(): string {
    return `${this.serverUrl}/api/v1`
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { ok?: number[]; basic?: { user: string; password: string } } = {}
  ): Promise<LiveAnswer> {
    const auth = options.basic
      ? `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64')}`
      : `token ${this.token}`
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { Authorization: auth, Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000)
    })
    const text = await response.text()
    let data: unknown = text
    try {
      data = text ? JSON.parse(text) : undefined
    } catch {
      // a raw file, or an error page
    }
    const ok = response.ok || (options.ok ?? []).includes(response.status)
    if (!ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`)
    return { status: response.status, data }
  }

  /** Every page of a list (`limit` 50, at most 20 pages). */
  async all(path: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = []
    for (let page = 1; page <= 20; page++) {
      const sep = path.includes('?') ? '&' : '?'
      const { data } = await this.call('GET', `${path}${sep}limit=50&page=${page}`)
      const list = (data ?? []) as Array<Record<string, unknown>>
      rows.push(...list)
      if (list.length < 50) break
    }
    return rows
  }

  /**
   * A repository's first commit, pushed as someone else with the admin's token. "[skip ci]" keeps
   * the seed from starting the publish workflow (Gitea's and Forgejo's SKIP_WORKFLOW_STRINGS).
   */
  async seed(
    fullName: string,
    files: Record<string, string | Buffer>,
    branch = 'main',
    message = 'seed the template [skip ci]'
  ): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'live-seed-'))
    try {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), content)
      }
      const git = (...args: string[]) =>
        exec('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd: dir, env: this.gitEnv() })
      await git('init', '-q', '-b', branch)
      await git('add', '-A')
      await git('commit', '-q', '-m', message)
      await git('push', '-q', `${this.serverUrl}/${fullName}.git`, `HEAD:refs/heads/${branch}`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  /** git's environment: someone else as author, the admin's token in a header, never in a URL. */
  private gitEnv(): NodeJS.ProcessEnv {
    const basic = Buffer.from(`live-admin:${this.token}`).toString('base64')
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_AUTHOR_NAME: 'Someone Else',
      GIT_AUTHOR_EMAIL: 'someone@example.com',
      GIT_COMMITTER_NAME: 'Someone Else',
      GIT_COMMITTER_EMAIL: 'someone@example.com',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${this.serverUrl}/.extraheader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`
    }
  }
}
