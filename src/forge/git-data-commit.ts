import { ApiError } from './api-error.js'
import { repoApiPath } from './api-paths.js'
import type { FilesCommit, FilesCommitted } from './forge-writes.js'
import type { CallOptions, ForgeClient } from './forge-client.js'
import { list, object, parseWrite, type BranchInfo } from './forge-shapes.js'

type Entry = { mode: string; type: string; sha: string }

/**
 * GitHub's several-files commit, through the Git Data API (forge-facts.md, Contents API): the
 * branch's tip and tree, each file's entry (its mode, and its blob, checked against the one
 * read: a file changed since is `stale`, before anything is written), a tree on `base_tree`,
 * a commit on the tip, and the ref moved with `force: false`, which fails 422 "not a fast
 * forward" when the branch moved meanwhile: never a lost commit. An executable file stays
 * 100755 (GraphQL's createCommitOnBranch would make it 100644). No author is sent when
 * `author` is null, so GitHub signs the commit for a bot token.
 */
export async function gitDataCommit(
  client: ForgeClient,
  owner: string,
  repo: string,
  commit: FilesCommit,
  branchOf: (branch: string) => Promise<BranchInfo | null>,
  call?: CallOptions
): Promise<FilesCommitted> {
  const tip = await branchOf(commit.branch)
  if (!tip?.tree) throw new ApiError(0, `the forge answered GET branch ${commit.branch} without its tree`)
  const entries = await entriesAt(
    client,
    owner,
    repo,
    tip.tree,
    commit.files.map((f) => f.path),
    call
  )
  const stale = commit.files.find((f) => (f.sha === null ? entries.has(f.path) : entries.get(f.path)?.sha !== f.sha))
  if (stale) return { stale: stale.path }
  const trees = repoApiPath(owner, repo, 'git', 'trees')
  const tree = object(
    (
      await client.call('POST', trees, {
        ...call,
        body: {
          base_tree: tip.tree,
          tree: commit.files.map((f) => ({
            path: f.path,
            mode: entries.get(f.path)?.mode === '100755' ? '100755' : '100644',
            type: 'blob',
            content: f.bytes.toString('utf8')
          }))
        }
      })
    ).data,
    `POST ${trees}`
  )
  const commits = repoApiPath(owner, repo, 'git', 'commits')
  const body: Record<string, unknown> = { message: commit.message, tree: String(tree.sha ?? ''), parents: [tip.sha] }
  if (commit.author) body.author = { name: commit.author.name, email: commit.author.email }
  const made = parseWrite((await client.call('POST', commits, { ...call, body })).data, `POST ${commits}`)
  const ref = repoApiPath(owner, repo, 'git', 'refs', 'heads', commit.branch)
  await client.call('PATCH', ref, { ...call, body: { sha: made.commit, force: false } })
  return made
}

/**
 * The REST requests one Git Data commit of `paths` makes: the branch, each directory's tree on
 * the way to the files (the root's at least), the tree, the commit and the ref.
 */
export function gitDataRequests(paths: string[]): number {
  const dirs = new Set([''])
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1)
    parts.forEach((_, i) => dirs.add(parts.slice(0, i + 1).join('/')))
  }
  return 1 + dirs.size + 3
}

/** The tree entries at `paths`, reading each directory on the way once (most pins sit at the root). */
async function entriesAt(
  client: ForgeClient,
  owner: string,
  repo: string,
  root: string,
  paths: string[],
  call?: CallOptions
): Promise<Map<string, Entry>> {
  const dirs = new Map<string, Promise<Map<string, Entry> | null>>()
  const read = (sha: string): Promise<Map<string, Entry>> => {
    const path = repoApiPath(owner, repo, 'git', 'trees', sha)
    return client.call('GET', path, call).then((answer) => {
      const rows = list(object(answer.data, `GET ${path}`).tree, `GET ${path} tree`)
      return new Map(
        rows.map((row) => {
          const r = object(row, 'a tree entry')
          return [String(r.path), { mode: String(r.mode), type: String(r.type), sha: String(r.sha) }]
        })
      )
    })
  }
  const dir = (path: string): Promise<Map<string, Entry> | null> => {
    let found = dirs.get(path)
    if (!found) {
      const cut = path.lastIndexOf('/')
      found =
        path === ''
          ? read(root)
          : dir(cut < 0 ? '' : path.slice(0, cut)).then((parent) => {
              const entry = parent?.get(path.slice(cut + 1))
              return entry?.type === 'tree' ? read(entry.sha) : null
            })
      dirs.set(path, found)
    }
    return found
  }
  const result = new Map<string, Entry>()
  for (const path of paths) {
    const cut = path.lastIndexOf('/')
    const entry = (await dir(cut < 0 ? '' : path.slice(0, cut)))?.get(path.slice(cut + 1))
    if (entry) result.set(path, entry)
  }
  return result
}
