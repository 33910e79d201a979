import { spawn, type ChildProcess } from 'node:child_process'
import { devNull } from 'node:os'
import { basicAuth, Redactor } from '../shared/redact.js'

export interface GitResult {
  exitCode: number
  stdout: string
  /** stdout as bytes, for content that must be judged byte for byte. */
  stdoutBytes: Buffer
  /** Redacted: anything the server said that echoed the token is already gone. */
  stderr: string
  /** Killed because the deadline passed. */
  timedOut: boolean
}

export interface GitRunnerOptions {
  serverUrl: string
  /** The one token of a run given `token`; with a GitHub App, each network command names its owner's. */
  token?: string
  /** The run's redactor, which learns every token minted (default: one for `token`). */
  redactor?: Redactor
  /** Deadline per git command; the whole process group is killed when it passes. */
  timeoutMs: number
}

/**
 * Runs git with the token and every safety setting in the environment, never in argv (argv is
 * logged and visible in process listings) and never on disk (GIT_CONFIG_COUNT, git >= 2.31).
 *
 * This is the one place that spawns git, and it does so directly rather than through
 * @actions/exec: exec offers no timeout and no handle on the child, and a git stuck on a server
 * that accepts a connection and never answers must be killed when its deadline passes. Each
 * git runs in its own process group (so git-remote-http and pack-objects die with it), and the
 * runner knows every group alive, so a cancelled run can kill them all.
 */
export class GitRunner {
  private readonly env: NodeJS.ProcessEnv
  private readonly redactor: Redactor
  private readonly alive = new Set<ChildProcess>()
  private closed = false

  constructor(private readonly options: GitRunnerOptions) {
    this.env = gitEnvironment(options)
    this.redactor = options.redactor ?? new Redactor(options.token)
  }

  /** `token`: the one this command sends, when it is not the run's own (an App's token for the repository's owner). */
  run(args: string[], cwd?: string, input?: string | Buffer, token?: string): Promise<GitResult> {
    if (this.closed) return Promise.resolve(failed('git not started: the run was cancelled'))
    const env =
      token === undefined || token === this.options.token ? this.env : withToken(this.env, this.options, token)
    return new Promise((resolve) => {
      const detached = process.platform !== 'win32'
      const child = spawn('git', args, { cwd, env, detached, stdio: ['pipe', 'pipe', 'pipe'] })
      this.alive.add(child)
      const out: Buffer[] = []
      const err: Buffer[] = []
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        kill(child)
      }, this.options.timeoutMs)
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.stdin.on('error', () => {}) // git may exit before reading all input; its exit code tells
      child.on('error', (error) => {
        clearTimeout(timer)
        this.alive.delete(child)
        resolve(failed(`cannot run git: ${error.message}`))
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        this.alive.delete(child)
        const stdoutBytes = Buffer.concat(out)
        resolve({
          exitCode: code ?? 128,
          stdout: stdoutBytes.toString('utf8'),
          stdoutBytes,
          stderr: this.redactor.redact(Buffer.concat(err).toString('utf8')),
          timedOut
        })
      })
      child.stdin.end(input ?? '')
    })
  }

  /** Kills every git process group still running, and starts no more. */
  killAll(): void {
    this.closed = true
    for (const child of this.alive) kill(child)
  }
}

function extraHeader(serverUrl: string, token: string): [string, string] {
  return [`http.${serverUrl}/.extraheader`, `AUTHORIZATION: basic ${basicAuth(token)}`]
}

/** The environment with `token`'s header in place of the run's own (or added, when the run has none). */
function withToken(base: NodeJS.ProcessEnv, options: GitRunnerOptions, token: string): NodeJS.ProcessEnv {
  const env = { ...base }
  const [key, value] = extraHeader(options.serverUrl, token)
  const count = Number(env.GIT_CONFIG_COUNT)
  let i = 0
  while (i < count && env[`GIT_CONFIG_KEY_${i}`] !== key) i++
  if (i === count) env.GIT_CONFIG_COUNT = String(count + 1)
  env[`GIT_CONFIG_KEY_${i}`] = key
  env[`GIT_CONFIG_VALUE_${i}`] = value
  return env
}

function kill(child: ChildProcess): void {
  try {
    if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL')
    else child.kill('SIGKILL')
  } catch {
    // already gone
  }
}

function failed(stderr: string): GitResult {
  return { exitCode: 127, stdout: '', stdoutBytes: Buffer.alloc(0), stderr, timedOut: false }
}

/** The environment every git command runs with. Exported for the test that checks it. */
export function gitEnvironment(options: GitRunnerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    // No GIT_* from the runner (GIT_DIR, GIT_CONFIG_PARAMETERS, GIT_ASKPASS, traces...), and no
    // INPUT_* (the token input among them) handed down to git and its helpers.
    if (/^(GIT_|INPUT_|SSH_ASKPASS$)/.test(key)) continue
    env[key] = value
  }
  const lowSpeedSeconds = Math.max(1, Math.min(30, Math.ceil(options.timeoutMs / 2000)))
  const config: Array<[string, string]> = [
    // Scoped to the server, so a redirect elsewhere never carries the token.
    ...(options.token ? [extraHeader(options.serverUrl, options.token)] : []),
    ['credential.helper', ''],
    ['core.askPass', ''],
    // A stalled transfer aborts on its own well before the deadline kills it.
    ['http.lowSpeedLimit', '1000'],
    ['http.lowSpeedTime', String(lowSpeedSeconds)],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['fetch.writeCommitGraph', 'false'],
    ['init.defaultBranch', 'main'],
    ['core.hooksPath', devNull]
  ]
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: devNull,
    GCM_INTERACTIVE: 'never',
    // Machine-readable output in one language: classification must not depend on a locale.
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_COUNT: String(config.length)
  })
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key
    env[`GIT_CONFIG_VALUE_${i}`] = value
  })
  return env
}
