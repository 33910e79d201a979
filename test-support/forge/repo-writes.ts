import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { join } from 'node:path'
import { serverGitEnv } from './git-cgi.js'
import { commitBody, updateRef, writeObject, writeTree } from './git-objects.js'
import { ident, type Ident, type RepoMeta, type RepoStore } from './repo-store.js'

export interface FileWrite {
  branch: string
  path: string
  bytes: Buffer
  message: string
  author: Ident
  committer: Ident
  /** The blob the writer saw: a sha to update, null to create, undefined for no check. */
  expect: string | null | undefined
  /** Runs after the tip was read and the commit made, before the ref moves (a racing push). */
  beforeUpdate?: () => Promise<void>
}

export type WriteOutcome =
  | { kind: 'ok'; commit: string; blob: string }
  | { kind: 'no-branch' }
  /** The file is not the blob the writer saw (Gitea 422 "sha does not match", GitHub 409). */
  | { kind: 'stale'; expected: string }
  /** Create, but the file is there. */
  | { kind: 'exists'; expected: string }
  /** Update, but the file is gone. */
  | { kind: 'missing' }
  /** The pre-receive hook declined; its words. */
  | { kind: 'declined'; text: string }
  /** The branch moved between the tip read and the ref update (a racing push): Gitea 500, GitHub 409. */
  | { kind: 'moved'; expected: string; actual: string | null }

/**
 * A contents-API write as the forges make it: one commit on the branch's current tip (whatever
 * was pushed meanwhile stays below it), only the file's blob compared, through the
 * repository's pre-receive hook, and the ref moved with compare-and-swap (git's lock protocol).
 */
export async function writeFile(store: RepoStore, meta: RepoMeta, write: FileWrite): Promise<WriteOutcome> {
  const tip = await store.tip(meta, write.branch)
  if (!tip) return { kind: 'no-branch' }
  const entry = (await store.listing(meta, tip)).get(write.path)
  if (write.expect === null && entry) return { kind: 'exists', expected: entry.sha }
  if (typeof write.expect === 'string') {
    if (!entry) return { kind: 'missing' }
    if (entry.sha !== write.expect) return { kind: 'stale', expected: entry.sha }
  }
  const { tree, blobs } = await writeTree(meta.dir, await store.listing(meta, tip), { [write.path]: write.bytes })
  const commit = await writeObject(
    meta.dir,
    'commit',
    commitBody(tree, [tip], ident(write.author), ident(write.committer), write.message)
  )
  const ref = `refs/heads/${write.branch}`
  const declined = await runPreReceive(meta, `${tip} ${commit} ${ref}\n`)
  if (declined !== null) return { kind: 'declined', text: declined }
  await write.beforeUpdate?.()
  if (!(await updateRef(meta.dir, ref, commit, tip, () => store.tip(meta, write.branch))))
    return { kind: 'moved', expected: tip, actual: await store.tip(meta, write.branch) }
  store.pushed(meta, write.branch, commit)
  return { kind: 'ok', commit, blob: blobs[write.path] }
}

/** Creates `branch` at `sha` (compare-and-swap from nothing); false when it exists. */
export async function createBranch(store: RepoStore, meta: RepoMeta, branch: string, sha: string): Promise<boolean> {
  if (!(await updateRef(meta.dir, `refs/heads/${branch}`, sha, null, () => store.tip(meta, branch)))) return false
  store.pushed(meta, branch, sha)
  return true
}

/** The hook's stderr when it declines, else null (also when there is no hook). */
async function runPreReceive(meta: RepoMeta, stdin: string): Promise<string | null> {
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
