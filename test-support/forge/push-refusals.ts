import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { join } from 'node:path'
import type { FlavourFacts } from './flavours.js'
import { serverGitEnv } from './git-cgi.js'
import type { RepoMeta } from './repo-meta.js'

/**
 * Everything that refuses a push, in one place: the HTTP layer (no write permission, archived,
 * mirror), the pre-receive hook (a declining custom hook, a protected branch) that both git
 * pushes and contents-API writes go through, and the protected-branch sentence per family.
 */

/** The refusal a protected branch gives a push, per family. */
export function protectedBranchText(facts: FlavourFacts, branch: string): string {
  return facts.family === 'github'
    ? `GH006: Protected branch update failed for refs/heads/${branch}.`
    : `Not allowed to push to protected branch ${branch}`
}

/** The HTTP layer's refusals of a push: no write permission, archived, mirror (403 each). */
export function httpPushRefusal(facts: FlavourFacts, meta: RepoMeta): string | null {
  const github = facts.family === 'github'
  if (meta.readOnly)
    return github ? `Permission to ${meta.fullName}.git denied to cascade-bot.` : 'User permission denied for writing.'
  if (meta.archived)
    return github
      ? 'This repository was archived so it is read-only.'
      : 'This repo is archived. You can view files and clone it, but cannot push or open issues or pull requests.'
  if (meta.mirror) return 'mirror repository is read-only'
  return null
}

/**
 * The pre-receive hook's script: a custom hook that declines every push (its words printed as
 * they are), or the forge's protected-branch check, printing its refusal in the flavour's
 * layout (Gitea 1.22 "Gitea: X", 1.24+ "error: X" between bare "error:" lines, Forgejo
 * "Forgejo: X", GitHub "error: GH006: ..."); null when nothing is refused (no hook: every
 * push would pay for a process otherwise).
 */
export function preReceiveHook(facts: FlavourFacts, meta: RepoMeta): string | null {
  if (meta.declineWith === undefined && meta.protectBranch === undefined) return null
  const say = (text: string) => facts.hookLines(text).map((line) => `echo ${shellQuote(line)} >&2`)
  const lines = ['#!/bin/sh', 'status=0']
  // A custom hook prints its own words as they are; the forge's own checks use its layout.
  if (meta.declineWith !== undefined) lines.push('cat >/dev/null', `echo ${shellQuote(meta.declineWith)} >&2`, 'exit 1')
  else if (meta.protectBranch !== undefined) {
    lines.push(
      'while read old new ref; do',
      `  if [ "$ref" = "refs/heads/${meta.protectBranch}" ]; then`,
      ...say(protectedBranchText(facts, meta.protectBranch)).map((l) => `    ${l}`),
      '    status=1',
      '  fi',
      'done'
    )
  }
  lines.push('exit $status', '')
  return lines.join('\n')
}

/** The hook's stderr when it declines, else null (also when there is no hook). */
export async function runPreReceive(meta: RepoMeta, stdin: string): Promise<string | null> {
  const hook = join(meta.dir, 'hooks', 'pre-receive')
  if (
    !(await access(hook, constants.X_OK).then(
      () => true,
      () => false
    ))
  )
    return null
  return new Promise((resolve) => {
    const child = spawn(hook, [], {
      cwd: meta.dir,
      env: serverGitEnv({ GIT_DIR: meta.dir }),
      stdio: ['pipe', 'ignore', 'pipe']
    })
    const err: Buffer[] = []
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.stdin.on('error', () => {})
    child.on('close', (code) => resolve(code === 0 ? null : Buffer.concat(err).toString('utf8')))
    child.stdin.end(stdin)
  })
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
