import { createHash } from 'node:crypto'
import { classifyFetch, classifyPush, gitError, type Outcome } from './git-outcome.js'
import type { Author } from '../inputs/settings.js'
import type { GitRunner } from './git-runner.js'

/** What a branch tip holds at the version file, and the commit that would pin it. */
export type PinCommit =
  | { kind: 'commit'; sha: string; previousBlob: string | null }
  | { kind: 'already-pinned' }
  | { kind: 'not-a-file' }
  | { kind: 'error'; reason: string }

type Log = (line: string) => void

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
    private readonly log: Log
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

  /** Whether `rev` holds exactly `content` at `path`. */
  async holds(rev: string, path: string, content: string): Promise<boolean> {
    const result = await this.git.run(['rev-parse', '--verify', '--quiet', `${rev}:${path}`], this.dir)
    const blob = result.stdout.trim()
    return result.exitCode === 0 && blob === blobId(content, blob.length)
  }

  /** Tree and author email of each commit-ish, in one process. */
  async describe(revs: string[]): Promise<Array<{ sha: string; tree: string; email: string }> | null> {
    const result = await this.git.run(['log', '--no-walk=unsorted', '--format=%H %T %ae', ...revs, '--'], this.dir)
    if (result.exitCode !== 0) return null
    return result.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [sha, tree, email = ''] = line.split(' ')
        return { sha, tree, email }
      })
  }

  async tip(): Promise<string | null> {
    const result = await this.git.run(['rev-parse', '--verify', '--quiet', `${this.ref}^{commit}`], this.dir)
    return result.exitCode === 0 ? result.stdout.trim() : null
  }

  /**
   * Builds the pin commit on the current tip in one fast-import process, which also reports
   * (`ls`) what the tip holds at `path`. When the tip already holds exactly `content`, or
   * `isPinned` says its content counts as pinned, the commit is dropped: it never left this
   * machine.
   */
  async buildPin(
    path: string,
    content: string,
    message: string,
    author: Author,
    isPinned: (bytes: Buffer) => boolean,
    known?: KnownFile,
    mergeParent?: string
  ): Promise<PinCommit> {
    const now = Math.floor(Date.now() / 1000)
    const ident = `${author.name} <${author.email}> ${now} +0000`
    const stream = Buffer.concat([
      text('feature done\n'),
      // The old version file, as the API returned it: written locally so that the push's thin
      // pack finds its delta base here instead of lazily fetching it (one more round trip).
      known?.raw ? Buffer.concat([text('blob\n'), data(known.raw)]) : Buffer.alloc(0),
      text(`commit refs/cascade/pin\nmark :1\nauthor ${ident}\ncommitter ${ident}\n`),
      data(message),
      // A second parent keeps an existing bump branch's tip in history: a fast-forward for it.
      text(`from ${this.ref}^0\n${mergeParent ? `merge ${mergeParent}\n` : ''}ls "${path}"\nM 100644 inline ${path}\n`),
      data(content),
      text('get-mark :1\ndone\n')
    ])
    const result = await this.git.run(['fast-import', '--quiet', '--force'], this.dir, stream)
    if (result.exitCode !== 0) return { kind: 'error', reason: `fast-import: ${gitError(result)}` }
    const [listing = '', mark = ''] = result.stdout.trim().split('\n')
    const sha = mark.trim()
    if (listing.startsWith('missing ')) return { kind: 'commit', sha, previousBlob: null }
    const match = /^(\d{6}) (\w+) ([0-9a-f]+)\t/.exec(listing)
    if (!match) return { kind: 'error', reason: `fast-import: unexpected listing "${listing.slice(0, 80)}"` }
    const [, , type, blob] = match
    if (type !== 'blob') return { kind: 'not-a-file' }
    if (blob === blobId(content, blob.length)) return { kind: 'already-pinned' }
    // A blob that is neither ours nor the one the API showed changed after the API read: look
    // at it (one lazy fetch in a rare race) so "first line is the version" is honoured.
    if (blob !== known?.sha) {
      const shown = await this.git.run(['cat-file', 'blob', blob], this.dir)
      if (shown.exitCode === 0 && isPinned(shown.stdoutBytes)) return { kind: 'already-pinned' }
    }
    return { kind: 'commit', sha, previousBlob: blob }
  }

  private async network(
    args: string[],
    cwd: string | undefined,
    classify: (r: Awaited<ReturnType<GitRunner['run']>>) => Outcome
  ): Promise<Outcome> {
    this.log(`git ${args.filter((a) => a !== '--').join(' ')}`)
    const started = Date.now()
    const result = await this.git.run(args, cwd)
    const outcome = classify(result)
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`
    this.log(outcome.kind === 'ok' ? `  ok (${took})` : `  ${outcome.kind}: ${outcome.reason} (${took})`)
    return outcome
  }
}

/** The version file as the API showed it (blob id and raw bytes). */
export interface KnownFile {
  sha: string
  raw?: Buffer
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8')

/** fast-import's exact-length data block. */
function data(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? text(body) : body
  return Buffer.concat([text(`data ${bytes.length}\n`), bytes, text('\n')])
}

/** The id git gives a blob with this content (SHA-1, or SHA-256 in a sha256 repository). */
export function blobId(content: string, hexLength = 40): string {
  const body = Buffer.from(content)
  const algorithm = hexLength === 64 ? 'sha256' : 'sha1'
  return createHash(algorithm).update(`blob ${body.length}\0`).update(body).digest('hex')
}
