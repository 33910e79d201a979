import type { GitResult } from './git-runner.js'

/**
 * What a git network command's failure means for the next step:
 * - race: the branch moved under us (fetch first, non-fast-forward, ref lock/update lost): replay
 * - transient: 5xx, reset, early EOF, timeouts: back off and retry
 * - final: retrying cannot fix it (hook declined, protected branch, auth, not found)
 */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'race'; reason: string }
  | { kind: 'transient'; reason: string }
  | { kind: 'final'; reason: string }

const TRANSIENT = [
  /returned error: 5\d\d/i,
  /HTTP 5\d\d/,
  /HTTP 429|returned error: 429/,
  /RPC failed/,
  /connection reset|recv failure|send failure|failed to connect|connection refused|couldn't connect/i,
  /could not resolve host|empty reply from server|transfer closed|operation too slow|timed out/i,
  /early EOF|remote end hung up unexpectedly|unexpected disconnect|the remote end hung up/i,
  /index-pack failed|bad pack header|protocol error: bad/i,
  /gnutls|SSL_|SSL connect error/i
]

const AUTH = [
  /returned error: 40[13]/,
  /HTTP 40[13]/,
  /authentication failed/i,
  /could not read (username|password)/i,
  /permission to .* denied/i
]

// Reasons the receiving side gives for losing a race on the ref (git and forge wordings).
const RACE =
  /fetch first|non-fast-forward|stale info|failed to lock|cannot lock ref|failed to update ref|incorrect old value|reference already exists/i

// eslint-disable-next-line no-control-regex -- strips ANSI colour codes some forges send
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g

/**
 * The forge's own sentence from the lines it sent (git prefixes them "remote: "), the way a
 * person would quote it. Gitea <= 1.23 says "Gitea: X", Forgejo "Forgejo: X", Gitea >= 1.24 puts
 * "error: X" between bare "error:" lines, GitHub "error: GH006: ...": the labels, the bare lines,
 * colour codes and progress chatter go; the sentences stay.
 */
export function remoteMessage(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .filter((line) => line.startsWith('remote: '))
    .map((line) => line.slice('remote: '.length).replace(ANSI_COLOUR, '').trim())
    .map((line) => line.replace(/^((error|fatal|Gitea|Forgejo):\s*)+/i, '').trim())
    .filter(
      (line) =>
        line !== '' &&
        !/^(hint|To create a merge request|Processing|Resolving deltas|Create a pull request)/i.test(line)
    )
  return [...new Set(lines)].join(' ').slice(0, 400)
}

/**
 * git's own error lines, for failures that happen before any ref status: the one naming an
 * HTTP status or cause first (git often follows it with a vaguer "remote end hung up").
 */
export function gitError(result: GitResult): string {
  if (result.timedOut) return 'timed out (git killed at its deadline)'
  const lines = result.stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /^(fatal|error):/.test(line))
    .map((line) => line.replace(/^(fatal|error):\s*/, ''))
  if (lines.length === 0)
    lines.push(result.stderr.trim().split(/\r?\n/).pop() || `git exited with code ${result.exitCode}`)
  const telling = lines.filter((line) =>
    /HTTP \d{3}|returned error|Connection|timed out|too slow|not found/i.test(line)
  )
  return [...new Set([...telling, ...lines])].join('; ').slice(0, 300)
}

function classifyFailure(result: GitResult, pushing = false): Outcome {
  const reason = gitError(result)
  if (result.timedOut) return { kind: 'transient', reason }
  if (/repository '.*' not found|returned error: 404|HTTP 404/i.test(result.stderr)) {
    return { kind: 'final', reason: `repository not found by git (${reason})` }
  }
  // A push refused with 403: the token was accepted (it could fetch) but may not write. GitHub
  // says so in words ("Permission to o/r.git denied"), which are worth quoting.
  if (pushing && /returned error: 403|HTTP 403|permission to .* denied/i.test(result.stderr)) {
    const said = remoteMessage(result.stderr)
    return {
      kind: 'final',
      reason: `the token lacks write access to this repository (the forge said: ${said ? `${said}; ` : ''}${reason})`
    }
  }
  if (AUTH.some((re) => re.test(result.stderr)))
    return { kind: 'final', reason: `authentication or permission failure: ${reason}` }
  if (TRANSIENT.some((re) => re.test(result.stderr))) return { kind: 'transient', reason }
  return { kind: 'final', reason }
}

/** Classifies `git clone` / `git fetch`. */
export function classifyFetch(result: GitResult): Outcome {
  if (result.exitCode === 0 && !result.timedOut) return { kind: 'ok' }
  if (/couldn't find remote ref|remote branch .* not found/i.test(result.stderr)) {
    return { kind: 'final', reason: `branch not found: ${gitError(result)}` }
  }
  return classifyFailure(result)
}

/**
 * Classifies `git push --porcelain` from its ref status lines (`<flag>\t<from>:<to>\t<summary>`),
 * not from prose: flags are stable across git versions and forges. Without a status line the
 * push failed before any ref was considered, and stderr decides.
 */
export function classifyPush(result: GitResult): Outcome {
  const status = result.stdout
    .split(/\r?\n/)
    .map((line) => line.split('\t'))
    .find((fields) => fields.length >= 3 && /^[ +\-*=!]$/.test(fields[0]))
  if (!status) {
    if (result.exitCode === 0 && !result.timedOut) return { kind: 'ok' }
    return classifyFailure(result, true)
  }
  const [flag, , summary] = status
  if (flag === '=') return { kind: 'ok' }
  if (flag !== '!') return { kind: 'ok' }
  if (RACE.test(summary)) return { kind: 'race', reason: summary.trim() }
  // The forge's sentence alone when it gave one ("Not allowed to push to protected branch
  // main"); git's summary ("pre-receive hook declined") only when it did not.
  const remote = remoteMessage(result.stderr)
  const reason = remote || summary.trim()
  // A remote rejection the server blames on itself (HTTP 5xx inside the exchange) may pass.
  if (
    /\[remote failure\]|unpacker error|unpack failed/i.test(summary) &&
    TRANSIENT.some((re) => re.test(result.stderr))
  ) {
    return { kind: 'transient', reason }
  }
  return { kind: 'final', reason: `push rejected: ${reason}` }
}
