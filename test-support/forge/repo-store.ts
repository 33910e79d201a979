import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFile, chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { serverGitEnv } from './git-cgi.js'

const run = promisify(execFile)

export interface RepoOptions {
  /** Files of the first commit (path -> content). */
  files?: Record<string, string>
  defaultBranch?: string
  archived?: boolean
  mirror?: boolean
  /** No commits at all (Gitea's `empty`). */
  empty?: boolean
  /** The token may read but not push (permissions.push false, receive-pack 403). */
  readOnly?: boolean
  /** A pre-receive hook that declines every push with this message. */
  declineWith?: string
  /** A pre-receive hook that declines pushes to this branch only (a protected default branch). */
  protectBranch?: string
}

export interface PullRequest {
  number: number
  head: string
  base: string
  title: string
  body: string
  state: 'open' | 'closed'
}

export interface RepoMeta extends RepoOptions {
  pulls: PullRequest[]
  id: number
  owner: string
  name: string
  fullName: string
  dir: string
}

export const PUBLISH_WORKFLOW = '.github/workflows/publish-image.yml'
export const WORKFLOW_TEXT = 'on:\n  push:\n    branches: [main]\njobs: {}\n'

/** fast-import's exact-length data block, and an author/committer line dated now. */
const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}`
const ident = (who: { name: string; email: string }) =>
  `${who.name} <${who.email}> ${Math.floor(Date.now() / 1000)} +0000`

/** The bare repositories behind both the git and the API side of the forge. */
export class RepoStore {
  private readonly repos = new Map<string, RepoMeta>()
  private nextId = 1

  constructor(readonly root: string) {}

  /** Forges match owner and repository names case-insensitively. */
  find(owner: string, name: string): RepoMeta | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase())
  }

  all(): RepoMeta[] {
    return [...this.repos.values()]
  }

  async create(fullName: string, options: RepoOptions = {}): Promise<RepoMeta> {
    const [owner, name] = fullName.split('/')
    const dir = join(this.root, owner, `${name}.git`)
    const branch = options.defaultBranch ?? 'main'
    await mkdir(dir, { recursive: true })
    await this.git(dir, ['init', '--bare', '--quiet', `--initial-branch=${branch}`])
    // What Gitea configures: partial clone and any-sha wants served, pushes over HTTP accepted.
    await appendFile(
      join(dir, 'config'),
      '[uploadpack]\n\tallowFilter = true\n\tallowAnySHA1InWant = true\n[http]\n\treceivepack = true\n'
    )
    const meta: RepoMeta = {
      ...options,
      pulls: [],
      id: this.nextId++,
      owner,
      name,
      fullName,
      dir,
      defaultBranch: branch
    }
    this.repos.set(fullName.toLowerCase(), meta)
    if (!options.empty) {
      const files = options.files ?? { 'README.md': `# ${name}\n` }
      await this.commit(meta, files, 'initial commit', { name: 'Template Owner', email: 'owner@example.com' }, false)
    }
    if (options.declineWith !== undefined) await this.declinePushes(meta, options.declineWith)
    if (options.protectBranch !== undefined) await this.protect(meta, options.protectBranch)
    return meta
  }

  async declinePushes(meta: RepoMeta, message: string): Promise<void> {
    const hook = join(meta.dir, 'hooks', 'pre-receive')
    await writeFile(hook, `#!/bin/sh\ncat >/dev/null\necho ${JSON.stringify(message)} >&2\nexit 1\n`)
    await chmod(hook, 0o755)
  }

  /** Gitea's protected-branch check, as a hook: pushes to `branch` are declined, others pass. */
  async protect(meta: RepoMeta, branch: string): Promise<void> {
    const hook = join(meta.dir, 'hooks', 'pre-receive')
    const script = [
      '#!/bin/sh',
      'status=0',
      'while read old new ref; do',
      `  if [ "$ref" = "refs/heads/${branch}" ]; then echo "Gitea: Not allowed to push to protected branch ${branch}" >&2; status=1; fi`,
      'done',
      'exit $status',
      ''
    ].join('\n')
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
    author = { name: 'Someone Else', email: 'someone@example.com' },
    hasParent = true
  ): Promise<string> {
    const ref = `refs/heads/${meta.defaultBranch}`
    const who = ident(author)
    const lines = ['commit ' + ref, 'mark :1', `author ${who}`, `committer ${who}`, data(message)]
    if (hasParent) lines.push(`from ${ref}^0`)
    for (const [path, content] of Object.entries(files)) lines.push(`M 100644 inline ${path}`, data(content))
    lines.push('', 'get-mark :1', '')
    const out = await this.git(meta.dir, ['fast-import', '--quiet', '--force'], lines.join('\n'))
    return out.trim()
  }

  /** Adds `count` commits, each rewriting `path` with `bytes` of fresh content, in one process. */
  async grow(meta: RepoMeta, count: number, bytes: number, path = 'assets/data.bin'): Promise<void> {
    const ref = `refs/heads/${meta.defaultBranch}`
    const who = ident({ name: 'History Maker', email: 'history@example.com' })
    const parts: string[] = []
    for (let i = 0; i < count; i++) {
      const content = randomBytes(Math.ceil(bytes / 2))
        .toString('hex')
        .slice(0, bytes) // incompressible
      parts.push(`commit ${ref}`, `author ${who}`, `committer ${who}`, data(`history ${i}`))
      if (i === 0) parts.push(`from ${ref}^0`)
      parts.push(`M 100644 inline ${path}`, data(content))
    }
    parts.push('')
    await this.git(meta.dir, ['fast-import', '--quiet'], parts.join('\n'))
  }

  async git(dir: string, args: string[], input?: string): Promise<string> {
    const child = run('git', ['--git-dir', dir, ...args], { env: serverGitEnv(), maxBuffer: 64 << 20 })
    if (input !== undefined) child.child.stdin?.end(input)
    const { stdout } = await child
    return stdout
  }

  // Promises, so concurrent requests for the same commit or blob share one git process.
  private readonly trees = new Map<string, Promise<Map<string, { type: string; sha: string }>>>()
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

  /** Every path of a commit's tree (cached: a commit never changes). */
  listing(meta: RepoMeta, commit: string): Promise<Map<string, { type: string; sha: string }>> {
    let cached = this.trees.get(commit)
    if (!cached) {
      cached = this.git(meta.dir, ['ls-tree', '-r', '-t', '-z', commit]).then((out) => {
        const entries = new Map<string, { type: string; sha: string }>()
        for (const entry of out.split('\0')) {
          const m = /^\d+ (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry)
          if (m) entries.set(m[3], { type: m[1], sha: m[2] })
        }
        return entries
      })
      this.trees.set(commit, cached)
    }
    return cached
  }

  blob(meta: RepoMeta, sha: string): Promise<Buffer> {
    let cached = this.blobs.get(sha)
    if (!cached) {
      const child = execFile('git', ['--git-dir', meta.dir, 'cat-file', 'blob', sha], {
        env: serverGitEnv(),
        encoding: 'buffer',
        maxBuffer: 64 << 20
      })
      cached = new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = []
        child.stdout?.on('data', (c: Buffer) => chunks.push(c))
        child.on('close', (code) =>
          code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`cat-file ${sha} failed`))
        )
      })
      this.blobs.set(sha, cached)
    }
    return cached
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
