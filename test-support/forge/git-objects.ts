import { createHash } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { deflateSync, inflateSync } from 'node:zlib'

/**
 * The few pieces of git's on-disk format the test forge writes itself: a bare repository's
 * layout, loose objects, trees and commits, and a ref updated with git's own lock-file
 * protocol (so it interleaves safely with pushes that git http-backend serves). Written here
 * rather than with a git process each time, because a process per repository and per API
 * write is what made the suite slow; everything git reads back is standard git format, and
 * the tests read it back with git itself.
 */

export interface TreeEntry {
  mode: string
  name: string
  sha: string
}

/** `git init --bare` with the default branch, as a layout on disk. */
export async function initBare(dir: string, branch: string, extraConfig: string): Promise<void> {
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'hooks', 'info']) {
    await mkdir(join(dir, sub), { recursive: true })
  }
  await writeFile(join(dir, 'HEAD'), `ref: refs/heads/${branch}\n`)
  await writeFile(
    join(dir, 'config'),
    `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n${extraConfig}`
  )
  await writeFile(join(dir, 'description'), 'Unnamed repository\n')
}

/** Writes one loose object; returns its id (SHA-1). */
export async function writeObject(dir: string, type: 'blob' | 'tree' | 'commit', body: Buffer): Promise<string> {
  const raw = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body])
  const sha = createHash('sha1').update(raw).digest('hex')
  const path = join(dir, 'objects', sha.slice(0, 2), sha.slice(2))
  await mkdir(dirname(path), { recursive: true })
  // Same content, same name: a second writer of the same object finds it there already.
  await writeFile(path, deflateSync(raw), { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
  return sha
}

/** A tree object's body: entries sorted the way git sorts them (a tree as if named "name/"). */
export function treeBody(entries: TreeEntry[]): Buffer {
  const key = (e: TreeEntry) => (e.mode === '40000' ? `${e.name}/` : e.name)
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))))
  return Buffer.concat(
    sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]))
  )
}

export function commitBody(
  tree: string,
  parents: string[],
  author: string,
  committer: string,
  message: string
): Buffer {
  const head = [
    `tree ${tree}`,
    ...parents.map((p) => `parent ${p}`),
    `author ${author}`,
    `committer ${committer}`
  ].join('\n')
  return Buffer.from(`${head}\n\n${message}`)
}

/**
 * Writes the tree for `files` (path -> content) on top of `base` (every path of an existing
 * tree with its mode and id, as `ls-tree -r -t` lists them). Returns the root tree's id and the
 * ids of the blobs written.
 */
export async function writeTree(
  dir: string,
  base: Map<string, { mode: string; type: string; sha: string }>,
  files: Record<string, string | Buffer>,
  modes: Record<string, string> = {}
): Promise<{ tree: string; blobs: Record<string, string> }> {
  const entries = new Map<string, { mode: string; sha: string }>()
  const blobs: Record<string, string> = {}
  for (const [path, entry] of base) if (entry.type !== 'tree') entries.set(path, entry)
  for (const [path, content] of Object.entries(files)) {
    blobs[path] = await writeObject(dir, 'blob', Buffer.from(content))
    entries.set(path, { mode: modes[path] ?? '100644', sha: blobs[path] })
  }
  const build = async (prefix: string): Promise<string> => {
    const here = new Map<string, TreeEntry>()
    for (const [path, entry] of entries) {
      if (prefix && !path.startsWith(`${prefix}/`)) continue
      const rest = prefix ? path.slice(prefix.length + 1) : path
      const [name, ...deeper] = rest.split('/')
      if (deeper.length === 0) here.set(name, { mode: entry.mode, name, sha: entry.sha })
      else if (!here.has(name)) here.set(name, { mode: '40000', name, sha: '' })
    }
    for (const entry of here.values())
      if (entry.mode === '40000') entry.sha = await build(prefix ? `${prefix}/${entry.name}` : entry.name)
    return writeObject(dir, 'tree', treeBody([...here.values()]))
  }
  return { tree: await build(''), blobs }
}

/**
 * Moves `ref` from `expected` (null: it must not exist) to `sha` the way git does: take
 * `<ref>.lock` exclusively, check the current value, rename the lock into place. False when
 * the ref moved meanwhile or someone else holds the lock.
 */
export async function updateRef(
  dir: string,
  ref: string,
  sha: string,
  expected: string | null,
  current: () => Promise<string | null>
): Promise<boolean> {
  const path = join(dir, ref)
  await mkdir(dirname(path), { recursive: true })
  const lock = `${path}.lock`
  let handle
  try {
    handle = await open(lock, 'wx')
  } catch {
    return false
  }
  try {
    if ((await current()) !== expected) return false
    await handle.writeFile(`${sha}\n`)
    await handle.close()
    handle = undefined
    await rename(lock, path)
    return true
  } finally {
    await handle?.close()
    await rm(lock, { force: true })
  }
}

/** A loose object's type and body; null when it is not loose (packed: ask git). */
export async function readObject(dir: string, sha: string): Promise<{ type: string; body: Buffer } | null> {
  let raw: Buffer
  try {
    raw = inflateSync(await readFile(join(dir, 'objects', sha.slice(0, 2), sha.slice(2))))
  } catch {
    return null
  }
  const space = raw.indexOf(0x20)
  const nul = raw.indexOf(0)
  return { type: raw.subarray(0, space).toString(), body: raw.subarray(nul + 1) }
}

/**
 * Every path of a commit's tree with mode, type and id, as `ls-tree -r -t` gives them, read from
 * loose objects; null when any of them is packed (then git reads it).
 */
export async function readListing(
  dir: string,
  commit: string
): Promise<Map<string, { mode: string; type: string; sha: string }> | null> {
  const object = await readObject(dir, commit)
  if (object?.type !== 'commit') return null
  const tree = /^tree ([0-9a-f]{40})/.exec(object.body.toString('latin1'))?.[1]
  if (!tree) return null
  const entries = new Map<string, { mode: string; type: string; sha: string }>()
  const walk = async (sha: string, prefix: string): Promise<boolean> => {
    const node = await readObject(dir, sha)
    if (node?.type !== 'tree') return false
    for (let at = 0; at < node.body.length;) {
      const space = node.body.indexOf(0x20, at)
      const nul = node.body.indexOf(0, space)
      const mode = node.body.subarray(at, space).toString()
      const name = node.body.subarray(space + 1, nul).toString('utf8')
      const id = node.body.subarray(nul + 1, nul + 21).toString('hex')
      at = nul + 21
      const path = prefix ? `${prefix}/${name}` : name
      const type = mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob'
      entries.set(path, { mode: mode.padStart(6, '0'), type, sha: id })
      if (type === 'tree' && !(await walk(id, path))) return false
    }
    return true
  }
  return (await walk(tree, '')) ? entries : null
}
