import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { serverGitEnv } from './git-cgi.js'
import { commitBody, initBare, readListing, readObject, updateRef, writeObject, writeTree } from './git-objects.js'
import type { FlavourFacts } from './flavours.js'
import { preReceiveHook } from './push-refusals.js'
import type { RepoMeta, RepoOptions } from './repo-meta.js'

const run = promisify(execFile)

export type { PullRequest, Push, RepoMeta, RepoOptions } from './repo-meta.js'

export interface Ident {
  name: string
  email: string
}

export const PUBLISH_WORKFLOW = '.github/workflows/publish-image.yml'
export const WORKFLOW_TEXT =
  'on:\n  push:\n    branches: [main]\njobs:\n  build:\n    steps:\n      - run: echo "version=$(head -n1 .runtime-version | tr -d \'[:space:]\')"\n'

/** fast-import's exact-length data block, and an author/committer line dated now. */
export const data = (body: string | Buffer): Buffer => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')])
}
export const ident = (who: Ident) => `${who.name} <${who.email}> ${Math.floor(Date.now() / 1000)} +0000`

/** The bare repositories behind both the git and the API side of the forge. */
export class RepoStore {
  private readonly repos = new Map<string, RepoMeta>()
  /** Old names of renamed or transferred repositories. */
  private readonly moved = new Map<string, RepoMeta>()
  /** Owners that are users (not organisations), for the listing endpoints. */
  readonly users = new Set<string>()
  /** Organisation labels by owner (Gitea's `GET /orgs/{org}/labels`). */
  readonly orgLabels = new Map<string, string[]>()
  private nextId = 1

  constructor(
    readonly root: string,
    private readonly facts: FlavourFacts
  ) {}

  /** Forges match owner and repository names case-insensitively. */
  find(owner: string, name: string): RepoMeta | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase())
  }

  /** The repository an old name now points to, after a rename or transfer. */
  movedTo(owner: string, name: string): RepoMeta | undefined {
    return this.moved.get(`${owner}/${name}`.toLowerCase())
  }

  byId(id: number): RepoMeta | undefined {
    return this.all().find((m) => m.id === id)
  }

  all(): RepoMeta[] {
    return [...this.repos.values()]
  }

  async create(fullName: string, options: RepoOptions = {}): Promise<RepoMeta> {
    const [owner, name] = fullName.split('/')
    const dir = join(this.root, owner, `${name}.git`)
    const branch = options.defaultBranch ?? 'main'
    // What Gitea configures: partial clone and any-sha wants served, pushes over HTTP accepted.
    await initBare(
      dir,
      branch,
      '[uploadpack]\n\tallowFilter = true\n\tallowAnySHA1InWant = true\n[http]\n\treceivepack = true\n'
    )
    const meta: RepoMeta = {
      ...options,
      pulls: [],
      pushes: [],
      id: this.nextId++,
      owner,
      name,
      fullName,
      dir,
      defaultBranch: branch
    }
    this.repos.set(fullName.toLowerCase(), meta)
    if (!options.empty) {
      const files = { ...(options.files ?? { 'README.md': `# ${name}\n` }), ...options.symlinks }
      const modes = Object.fromEntries(Object.keys(options.symlinks ?? {}).map((path) => [path, '120000']))
      await this.commit(
        meta,
        files,
        'initial commit',
        { name: 'Template Owner', email: 'owner@example.com' },
        false,
        branch,
        modes
      )
      meta.pushes.length = 0 // the seed is history, not a push anyone reacts to
    }
    await this.writeHook(meta)
    return meta
  }

  /** Renames or transfers `meta` to `fullName`; the old name keeps redirecting, as on the forges. */
  async rename(meta: RepoMeta, fullName: string): Promise<void> {
    const [owner, name] = fullName.split('/')
    const dir = join(this.root, owner, `${name}.git`)
    await mkdir(dirname(dir), { recursive: true })
    await rename(meta.dir, dir)
    this.repos.delete(meta.fullName.toLowerCase())
    this.moved.set(meta.fullName.toLowerCase(), meta)
    Object.assign(meta, { owner, name, fullName, dir })
    this.repos.set(fullName.toLowerCase(), meta)
  }

  async declinePushes(meta: RepoMeta, sentence: string): Promise<void> {
    meta.declineWith = sentence
    await this.writeHook(meta)
  }

  /** The pre-receive hook (push-refusals.ts): none when nothing is refused. */
  private async writeHook(meta: RepoMeta): Promise<void> {
    const hook = join(meta.dir, 'hooks', 'pre-receive')
    const script = preReceiveHook(this.facts, meta)
    if (script === null) return rm(hook, { force: true })
    await writeFile(hook, script)
    await chmod(hook, 0o755)
  }

  async remove(meta: RepoMeta): Promise<void> {
    this.repos.delete(meta.fullName.toLowerCase())
    await rm(meta.dir, { recursive: true, force: true })
  }

  /** A commit made on the server, as another user pushing would (used for races and seeds). */
  async commit(
    meta: RepoMeta,
    files: Record<string, string>,
    message: string,
    author: Ident = { name: 'Someone Else', email: 'someone@example.com' },
    hasParent = true,
    branch = meta.defaultBranch!,
    modes: Record<string, string> = {}
  ): Promise<string> {
    const ref = `refs/heads/${branch}`
    for (;;) {
      const parent = hasParent ? await this.tip(meta, branch) : null
      const base = parent ? await this.listing(meta, parent) : new Map()
      const { tree } = await writeTree(meta.dir, base, files, modes)
      const who = ident(author)
      const sha = await writeObject(meta.dir, 'commit', commitBody(tree, parent ? [parent] : [], who, who, message))
      if (await updateRef(meta.dir, ref, sha, parent, () => this.tip(meta, branch))) {
        this.pushed(meta, branch, sha)
        return sha
      }
    }
  }

  /** Deletes `path` on `branch` in a commit of someone else's, as a push would. */
  async deleteFile(meta: RepoMeta, path: string, branch = meta.defaultBranch!): Promise<string> {
    const ref = `refs/heads/${branch}`
    for (;;) {
      const parent = (await this.tip(meta, branch))!
      const base = new Map(await this.listing(meta, parent))
      base.delete(path)
      const { tree } = await writeTree(meta.dir, base, {})
      const who = ident({ name: 'Someone Else', email: 'someone@example.com' })
      const sha = await writeObject(meta.dir, 'commit', commitBody(tree, [parent], who, who, `delete ${path}`))
      if (await updateRef(meta.dir, ref, sha, parent, () => this.tip(meta, branch))) {
        this.pushed(meta, branch, sha)
        return sha
      }
    }
  }

  /** Adds `count` commits, each rewriting `path` with `bytes` of fresh content, in one process. */
  async grow(meta: RepoMeta, count: number, bytes: number, path = 'assets/data.bin'): Promise<void> {
    const ref = `refs/heads/${meta.defaultBranch}`
    const who = ident({ name: 'History Maker', email: 'history@example.com' })
    const parts: Buffer[] = []
    for (let i = 0; i < count; i++) {
      const content = randomBytes(Math.ceil(bytes / 2))
        .toString('hex')
        .slice(0, bytes) // incompressible
      parts.push(Buffer.from(`commit ${ref}\nauthor ${who}\ncommitter ${who}\n`), data(`history ${i}`))
      if (i === 0) parts.push(Buffer.from(`from ${ref}^0\n`))
      parts.push(Buffer.from(`M 100644 inline ${path}\n`), data(content))
    }
    await this.git(meta.dir, ['fast-import', '--quiet'], Buffer.concat(parts))
  }

  /** Records a branch update (the workflow-run side of the forge reacts to these). */
  pushed(meta: RepoMeta, branch: string, sha: string): void {
    meta.pushes.push({ branch, sha, at: Date.now() })
  }

  async git(dir: string, args: string[], input?: string | Buffer): Promise<string> {
    const child = run('git', ['--git-dir', dir, ...args], { env: serverGitEnv(), maxBuffer: 64 << 20 })
    if (input !== undefined) child.child.stdin?.end(input)
    const { stdout } = await child
    return stdout
  }

  // Promises, so concurrent requests for the same commit or blob share one git process.
  private readonly trees = new Map<string, Promise<Map<string, { mode: string; type: string; sha: string }>>>()
  private readonly blobs = new Map<string, Promise<Buffer>>()

  /**
   * A branch tip read straight from the ref files, as a forge's ref cache would: the API side
   * must not spend a git process per request, or the forge, not the client, is what a
   * benchmark measures.
   */
  async tip(meta: RepoMeta, branch: string): Promise<string | null> {
    const loose = await readFile(join(meta.dir, 'refs', 'heads', branch), 'utf8').catch(() => null)
    if (loose !== null) return loose.trim()
    const packed = await readFile(join(meta.dir, 'packed-refs'), 'utf8').catch(() => '')
    const line = packed.split('\n').find((l) => l.endsWith(` refs/heads/${branch}`))
    return line ? line.split(' ')[0] : null
  }

  /** A lightweight tag `name` at the default branch's tip (a tag named like a branch blocks it on Gitea). */
  async tag(meta: RepoMeta, name: string): Promise<void> {
    await this.git(meta.dir, ['update-ref', `refs/tags/${name}`, meta.defaultBranch!])
  }

  /** Every ref name (branches and tags). */
  async refs(meta: RepoMeta): Promise<string[]> {
    return (await this.git(meta.dir, ['for-each-ref', '--format=%(refname)'])).split('\n').filter(Boolean)
  }

  /** Every branch and its tip. */
  async branches(meta: RepoMeta): Promise<Map<string, string>> {
    const out = await this.git(meta.dir, ['for-each-ref', '--format=%(refname:lstrip=2) %(objectname)', 'refs/heads'])
    return new Map(
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ') as [string, string])
    )
  }

  /** Every path of a commit's tree (cached: a commit never changes). */
  listing(meta: RepoMeta, commit: string): Promise<Map<string, { mode: string; type: string; sha: string }>> {
    let cached = this.trees.get(commit)
    if (!cached) {
      // Loose objects are read here; a packed one is left to git.
      cached = readListing(meta.dir, commit).then(async (loose) => loose ?? this.lsTree(meta, commit))
      this.trees.set(commit, cached)
    }
    return cached
  }

  private async lsTree(
    meta: RepoMeta,
    commit: string
  ): Promise<Map<string, { mode: string; type: string; sha: string }>> {
    const out = await this.git(meta.dir, ['ls-tree', '-r', '-t', '-z', commit])
    const entries = new Map<string, { mode: string; type: string; sha: string }>()
    for (const entry of out.split('\0')) {
      const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry)
      if (m) entries.set(m[4], { mode: m[1], type: m[2], sha: m[3] })
    }
    return entries
  }

  blob(meta: RepoMeta, sha: string): Promise<Buffer> {
    let cached = this.blobs.get(sha)
    if (!cached) {
      cached = readObject(meta.dir, sha).then((loose) =>
        loose?.type === 'blob' ? loose.body : this.catFile(meta, sha)
      )
      this.blobs.set(sha, cached)
    }
    return cached
  }

  private catFile(meta: RepoMeta, sha: string): Promise<Buffer> {
    const child = execFile('git', ['--git-dir', meta.dir, 'cat-file', 'blob', sha], {
      env: serverGitEnv(),
      encoding: 'buffer',
      maxBuffer: 64 << 20
    })
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      child.stdout?.on('data', (c: Buffer) => chunks.push(c))
      child.on('close', (code) =>
        code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`cat-file ${sha} failed`))
      )
    })
  }

  /** Commit facts for the API: author email, parents. */
  async commitInfo(
    meta: RepoMeta,
    sha: string
  ): Promise<{ authorName: string; authorEmail: string; parents: string[]; tree: string; message: string }> {
    const out = await this.git(meta.dir, ['log', '-1', '--format=%an%x00%ae%x00%P%x00%T%x00%B', sha])
    const [authorName, authorEmail, parents, tree, message] = out.replace(/\n$/, '').split('\0')
    return { authorName, authorEmail, parents: parents ? parents.split(' ') : [], tree, message }
  }

  async resolve(meta: RepoMeta, ref: string): Promise<string | null> {
    try {
      return (await this.git(meta.dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim()
    } catch {
      return null
    }
  }

  async hasCommits(meta: RepoMeta): Promise<boolean> {
    const loose = await readdir(join(meta.dir, 'refs', 'heads'), { recursive: true }).catch(() => [] as string[])
    if (loose.length > 0) return true
    return (await readFile(join(meta.dir, 'packed-refs'), 'utf8').catch(() => '')).includes(' refs/heads/')
  }
}
