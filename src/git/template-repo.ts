import { classifyFetch, classifyPush, gitError, type Outcome } from './git-outcome.js'
import type { FileRead } from '../forge/forge-shapes.js'
import type { Author } from '../inputs/settings.js'
import type { GitRunner } from './git-runner.js'
import type { Log } from '../shared/log.js'

/** A file the pin commit writes, with the mode it keeps (100644 for a new file). */
export interface PinFile {
  path: string
  bytes: Buffer
  mode: string
  /** The bytes it replaces, when known: written locally as the push's delta base. */
  previous?: Buffer
}

/** What `rev` holds at each pin path, and each file's mode there. */
export interface TreeReads {
  reads: Map<string, FileRead>
  modes: Map<string, string>
}

/**
 * One template's local repository: a bare, shallow (depth 1), blobless clone of one branch.
 * Its cost does not grow with history or with the size of files the cascade never touches, and
 * there is no work tree to check out: the pin commit is built by one `git fast-import`.
 */
export class TemplateRepo {
  private readonly ref: string

  constructor(
    private readonly git: GitRunner,
    private readonly dir: string,
    private readonly url: string,
    private readonly branch: string,
    private readonly log: Log,
    /** The token for this repository's owner, asked before each network command (a GitHub App's may be renewed). */
    private readonly token: () => Promise<string | undefined> = () => Promise.resolve(undefined)
  ) {
    this.ref = `refs/heads/${branch}`
  }

  async clone(): Promise<Outcome> {
    const args = [
      'clone',
      '--bare',
      '--depth=1',
      '--filter=blob:none',
      '--single-branch',
      '--no-tags',
      '--branch',
      this.branch,
      '--',
      this.url,
      this.dir
    ]
    return this.network(args, undefined, classifyFetch)
  }

  /** Fetches only the new tip of the branch (depth 1), after a rejected or failed push. */
  async fetchTip(): Promise<Outcome> {
    return this.fetchRef(this.ref)
  }

  /** Fetches another branch's tip (depth 1); 'absent' when the server has no such branch. */
  async fetchBranch(branch: string): Promise<Outcome | { kind: 'absent' }> {
    const outcome = await this.fetchRef(`refs/heads/${branch}`)
    return outcome.kind === 'final' && /^branch not found/.test(outcome.reason) ? { kind: 'absent' } : outcome
  }

  private fetchRef(ref: string): Promise<Outcome> {
    return this.network(['fetch', '--depth=1', '--no-tags', 'origin', `+${ref}:${ref}`], this.dir, classifyFetch)
  }

  /** Pushes `sha` to `branch` (default: the branch cloned). */
  async push(sha: string, branch?: string): Promise<Outcome> {
    const ref = branch === undefined ? this.ref : `refs/heads/${branch}`
    // Never --force: a push that is not a fast-forward is a race to replay, not to overwrite.
    return this.network(['push', '--porcelain', '--no-verify', 'origin', `${sha}:${ref}`], this.dir, classifyPush)
  }

  /** Tree and message of each commit-ish, in one process. */
  async describe(revs: string[]): Promise<Array<{ sha: string; tree: string; message: string }> | null> {
    const result = await this.git.run(['log', '--no-walk=unsorted', '--format=%H %T%n%B%x00', ...revs, '--'], this.dir)
    if (result.exitCode !== 0) return null
    return result.stdout
      .split('\0')
      .map((entry) => entry.replace(/^\n/, ''))
      .filter((entry) => entry.trim() !== '')
      .map((entry) => {
        const [line, ...body] = entry.split('\n')
        const [sha, tree] = line.split(' ')
        return { sha, tree, message: body.join('\n') }
      })
  }

  /**
   * What `rev` holds at each path: one `ls-tree`, then the bytes of each blob. A blob the API
   * showed (`known`) is not fetched again; any other is fetched lazily (a blobless clone), as
   * happens only after a race changed it.
   */
  async readPins(rev: string, paths: string[], known: ReadonlyMap<string, FileRead>): Promise<TreeReads | string> {
    const listed = await this.git.run(['ls-tree', '-z', '--full-tree', rev, '--', ...paths], this.dir)
    if (listed.exitCode !== 0) return `git ls-tree: ${gitError(listed)}`
    const reads = new Map<string, FileRead>(paths.map((p) => [p, { kind: 'absent' }]))
    const modes = new Map<string, string>()
    for (const row of listed.stdout.split('\0').filter(Boolean)) {
      const match = /^(\d{6}) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(row)
      if (!match || !reads.has(match[4])) continue
      const [, mode, type, sha, path] = match
      modes.set(path, mode)
      if (type !== 'blob' || mode === '120000') {
        reads.set(path, { kind: 'other', sha, type: mode === '120000' ? 'symlink' : type === 'tree' ? 'dir' : type })
        continue
      }
      const seen = known.get(path)
      if (seen?.kind === 'file' && seen.sha === sha) {
        reads.set(path, seen)
        continue
      }
      const shown = await this.git.run(['cat-file', 'blob', sha], this.dir)
      if (shown.exitCode !== 0) return `git cat-file: ${gitError(shown)}`
      reads.set(path, { kind: 'file', sha, bytes: shown.stdoutBytes })
    }
    return { reads, modes }
  }

  async tip(): Promise<string | null> {
    const result = await this.git.run(['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`], this.dir)
    return result.exitCode === 0 ? result.stdout.trim() : null
  }

  /**
   * Builds the pin commit on the current tip in one fast-import process: every file in one
   * commit, each with the mode it had. A second parent keeps an existing bump branch's tip in
   * history, so the push is a fast-forward for it. The commit never leaves this machine
   * until it is pushed.
   */
  async commitPins(
    files: PinFile[],
    message: string,
    author: Author,
    mergeParent?: string
  ): Promise<string | { error: string }> {
    const now = Math.floor(Date.now() / 1000)
    const ident = `${author.name} <${author.email}> ${now} +0000`
    const stream = Buffer.concat([
      text('feature done\n'),
      // The old files, as the API returned them: written locally so that the push's thin pack
      // finds its delta bases here instead of lazily fetching them (one more round trip).
      ...files.flatMap((f) => (f.previous ? [text('blob\n'), data(f.previous)] : [])),
      text(`commit refs/cascade/pin\nmark :1\nauthor ${ident}\ncommitter ${ident}\n`),
      data(message),
      text(`from ${this.ref}^0\n${mergeParent ? `merge ${mergeParent}\n` : ''}`),
      ...files.flatMap((f) => [text(`M ${f.mode} inline ${f.path}\n`), data(f.bytes)]),
      text('get-mark :1\ndone\n')
    ])
    const result = await this.git.run(['fast-import', '--quiet', '--force'], this.dir, stream)
    if (result.exitCode !== 0) return { error: `fast-import: ${gitError(result)}` }
    return result.stdout.trim()
  }

  private async network(
    args: string[],
    cwd: string | undefined,
    classify: (r: Awaited<ReturnType<GitRunner['run']>>) => Outcome
  ): Promise<Outcome> {
    this.log(`git ${args.filter((a) => a !== '--').join(' ')}`)
    const started = Date.now()
    const result = await this.git.run(args, cwd, undefined, await this.token())
    const outcome = classify(result)
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`
    this.log(outcome.kind === 'ok' ? `  ok (${took})` : `  ${outcome.kind}: ${outcome.reason} (${took})`)
    return outcome
  }
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8')

/** fast-import's exact-length data block. */
function data(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? text(body) : body
  return Buffer.concat([text(`data ${bytes.length}\n`), bytes, text('\n')])
}
