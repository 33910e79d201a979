import { commitBody, updateRef, writeObject, writeTree } from './git-objects.js'
import { runPreReceive } from './push-refusals.js'
import { ident, type Ident, type RepoMeta, type RepoStore } from './repo-store.js'

export interface FileWrite {
  branch: string
  files: Array<{
    path: string
    bytes: Buffer
    /** The blob the writer saw: a sha to update, null to create, undefined for no check. */
    expect: string | null | undefined
  }>
  message: string
  author: Ident
  committer: Ident
  /**
   * An updated file keeps an executable mode (Gitea: services/repository/files/update.go
   * handleCheckErrors, `file.Options.executable = fromEntry.IsExecutable()`, release/v1.22 and
   * v1.25); false writes 100644 (GitHub's contents write, reported in github/github-mcp-server#2578).
   */
  keepMode: boolean
  /** Runs after the tip was read and the commit made, before the ref moves (a racing push). */
  beforeUpdate?: () => Promise<void>
}

export type WriteOutcome =
  | { kind: 'ok'; commit: string; blobs: Record<string, string> }
  | { kind: 'no-branch' }
  /** The file is not the blob the writer saw (Gitea 422 "sha does not match", GitHub 409). */
  | { kind: 'stale'; path: string; given: string; expected: string }
  /** Create, but the file is there. */
  | { kind: 'exists'; path: string; expected: string }
  /** Update, but the file is gone. */
  | { kind: 'missing'; path: string }
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
  const listing = await store.listing(meta, tip)
  const modes: Record<string, string> = {}
  for (const file of write.files) {
    const entry = listing.get(file.path)
    if (file.expect === null && entry) return { kind: 'exists', path: file.path, expected: entry.sha }
    if (typeof file.expect === 'string') {
      if (!entry) return { kind: 'missing', path: file.path }
      if (entry.sha !== file.expect) return { kind: 'stale', path: file.path, given: file.expect, expected: entry.sha }
    }
    if (write.keepMode && entry?.mode === '100755') modes[file.path] = '100755'
  }
  const contents = Object.fromEntries(write.files.map((f) => [f.path, f.bytes]))
  const { tree, blobs } = await writeTree(meta.dir, listing, contents, modes)
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
  return { kind: 'ok', commit, blobs }
}

/** Creates `branch` at `sha` (compare-and-swap from nothing); false when it exists. */
export async function createBranch(store: RepoStore, meta: RepoMeta, branch: string, sha: string): Promise<boolean> {
  if (!(await updateRef(meta.dir, `refs/heads/${branch}`, sha, null, () => store.tip(meta, branch)))) return false
  store.pushed(meta, branch, sha)
  return true
}
