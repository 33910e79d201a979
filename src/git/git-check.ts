import { execFile } from 'node:child_process'

/** GIT_CONFIG_COUNT, which carries the token to git without a file or an argument, is 2.31+. */
export const MIN_GIT = [2, 31, 0] as const

export type GitCheck = { ok: true; version: string } | { ok: false; reason: string }

/** `git --version`, once, before any template needs git: one clear error instead of N auth failures. */
export function checkGit(): Promise<GitCheck> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['--version'],
      { timeout: 10_000, env: { PATH: process.env.PATH ?? '', LANG: 'C', LC_ALL: 'C' } },
      (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          return resolve({ ok: false, reason: 'git is not installed (no git on PATH)' })
        }
        const version = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout ?? '')
        if (!version)
          return resolve({
            ok: false,
            reason: `git did not say its version (${error ? error.message : stdout.trim()})`
          })
        const found = [Number(version[1]), Number(version[2]), Number(version[3] ?? 0)]
        const text = found.join('.')
        if (compare(found, MIN_GIT) < 0) {
          return resolve({
            ok: false,
            reason: `git ${text} is too old: ${MIN_GIT.join('.')} or later is needed (GIT_CONFIG_COUNT)`
          })
        }
        resolve({ ok: true, version: text })
      }
    )
  })
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}
