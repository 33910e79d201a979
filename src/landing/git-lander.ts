import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitRunner } from '../git/git-runner.js'
import type { Credentials } from '../forge/credentials.js'
import { TemplateRepo, type PinFile, type TreeReads } from '../git/template-repo.js'
import { alreadyPinned, type PinReads } from '../pins/pin-judgement.js'
import type { Settings } from '../inputs/settings.js'
import { pinPaths } from '../inputs/pins-input.js'
import { backoffDelay, gitPolicy, seconds, sleep } from '../shared/retry-policy.js'
import type { FailureKind } from '../shared/failure-kind.js'
import { bumpRule } from './bump-branch.js'
import { MAY_HAVE_LANDED, type Landing, type LandRequest } from './lander.js'

export interface GitLanderContext {
  git: GitRunner
  /** Which token git sends for a template's owner. */
  credentials: Credentials
  settings: Settings
  /** Per-run temporary directory; each template clones into its own folder below it. */
  workDir: string
  signal: AbortSignal
}

/** A round's end: a landing, or go round again (after a race or a transient fault). */
type Round = Landing | { again: 'race' | 'transient'; reason: string }

/** What the bump branch's tip says before the commit is built (pull-request mode). */
type BumpView = { head: { sha: string; tree: string } | null; mergeParent?: string } | Landing

/**
 * The git transport: a bare, shallow, blobless clone, one fast-import commit with every pin
 * file, a push. Each round reads the pins at the tip it fetched and judges them with the same
 * judgement as the API transport (pinned, the downgrade policy), so a newer pin pushed
 * meanwhile is treated alike on both. At most `max-attempts` rounds, each ending in one push or
 * one transient failure. Never forces: whatever someone else pushed stays below our commit.
 */
export class GitLander {
  private next = 0

  constructor(private readonly ctx: GitLanderContext) {}

  async land(request: LandRequest): Promise<Landing> {
    const name = `${this.next++}-${request.owner}-${request.repo}`.replace(/[^A-Za-z0-9_.-]/g, '_')
    const dir = join(this.ctx.workDir, name)
    try {
      return await new GitAttempt(this.ctx, request, dir).rounds()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** One template's rounds through git. */
class GitAttempt {
  private readonly repo: TemplateRepo
  private readonly target: string
  private pushes: number
  private transient = 0
  private cloned = false
  private headMayExist: boolean
  /** Every commit we tried to push: one whose answer was lost may have landed all the same. */
  private readonly attempted = new Set<string>()

  constructor(
    private readonly ctx: GitLanderContext,
    private readonly request: LandRequest,
    private readonly dir: string
  ) {
    const { settings } = ctx
    this.repo = new TemplateRepo(
      ctx.git,
      dir,
      `${settings.serverUrl}/${request.owner}/${request.repo}.git`,
      request.base,
      request.log,
      () => ctx.credentials.gitToken(request.owner)
    )
    this.target = request.bump?.branch ?? request.base
    // Writes another transport already made count against max-attempts too (auto's hand-over).
    this.pushes = request.writesMade ?? 0
    this.headMayExist = request.bump ? request.bump.tip !== null : false
  }

  async rounds(): Promise<Landing> {
    const { settings, signal } = this.ctx
    const policy = gitPolicy(settings.maxAttempts, settings.retryDelayMs)
    let last = ''
    for (let round = 1; round <= settings.maxAttempts - (this.request.writesMade ?? 0); round++) {
      if (signal.aborted) return this.failed('cancelled', 'transient')
      const ended = await this.round()
      if ('kind' in ended) return ended
      last = ended.reason
      if (ended.again === 'race') {
        last = `the branch kept moving (${ended.reason})`
        this.request.log(`${this.target} moved: fetching the new tip to replay the pin on it`)
        continue
      }
      const delay = backoffDelay(policy, ++this.transient)
      this.request.log(`transient failure; retrying in ${seconds(delay)}`)
      if (!(await sleep(delay, signal))) return this.failed('cancelled', 'transient')
    }
    return this.failed(`gave up after ${settings.maxAttempts} attempts: ${last}`, 'transient')
  }

  private failed(reason: string, failure?: FailureKind): Landing {
    return { kind: 'failed', reason, attempts: this.pushes, ...(failure ? { failure } : {}) }
  }

  /** Fetch, read and judge, build, push: one round, from the current tips. */
  private async round(): Promise<Round> {
    const { settings, signal } = this.ctx
    const { request } = this
    if (!this.cloned) await rm(this.dir, { recursive: true, force: true }) // a failed clone leaves debris
    const got = this.cloned ? await this.repo.fetchTip() : await this.repo.clone()
    if (got.kind === 'final') return this.failed(got.reason)
    if (got.kind !== 'ok') return { again: 'transient', reason: got.reason }
    this.cloned = true
    const bump = await this.bumpView()
    if ('kind' in bump || 'again' in bump) return bump
    const tip = request.bump ? (bump.head?.sha ?? null) : await this.repo.tip()
    if (tip !== null && this.attempted.has(tip))
      return { kind: 'landed', commit: tip, attempts: this.pushes, note: 'the interrupted push had landed' }
    const read = await this.read(`refs/heads/${request.base}`, request.reads)
    if (typeof read === 'string') return this.failed(read)
    const verdict = request.judge(read.reads)
    if (verdict.kind === 'pinned')
      return {
        kind: 'unchanged',
        reason: alreadyPinned(settings.version, request.base),
        attempts: this.pushes
      }
    if (verdict.kind === 'skip')
      return { kind: 'skipped', reason: verdict.reason, attempts: this.pushes, newer: verdict.newer }
    if (verdict.kind === 'fail') return this.failed(verdict.reason, verdict.failure ?? 'other')
    const files: PinFile[] = verdict.changes.map((c) => {
      const before = read.reads.get(c.path)
      const previous = before?.kind === 'file' ? before.bytes : undefined
      return { path: c.path, bytes: c.bytes, mode: read.modes.get(c.path) ?? '100644', previous }
    })
    const sha = await this.repo.commitPins(files, settings.commitMessage, settings.author, bump.mergeParent)
    if (typeof sha !== 'string') return this.failed(sha.error)
    if (bump.head && bump.mergeParent) {
      const [candidate] = (await this.repo.describe([sha])) ?? []
      if (candidate?.tree === bump.head.tree) {
        request.log(`${this.target} already holds the pin on the current ${request.base}`)
        return { kind: 'landed', commit: null, attempts: this.pushes }
      }
    }
    if (settings.dryRun) {
      request.log(`dry run: built ${sha.slice(0, 12)}, not pushing`)
      return { kind: 'would-land', made: verdict }
    }
    this.pushes++
    this.attempted.add(sha)
    const pushed = await this.repo.push(sha, this.target)
    if (pushed.kind === 'ok') return { kind: 'landed', commit: sha, attempts: this.pushes, made: verdict }
    // Killed mid-push by a cancel: the forge may have taken it before git heard back.
    if (signal.aborted) return this.failed(MAY_HAVE_LANDED, 'transient')
    if (pushed.kind === 'final') return this.failed(pushed.reason)
    this.headMayExist = true
    return { again: pushed.kind === 'race' ? 'race' : 'transient', reason: pushed.reason }
  }

  /** The pins at `rev`, with the bytes the API showed where the blob is the same. */
  private read(rev: string, known: PinReads): Promise<TreeReads | string> {
    return this.repo.readPins(rev, pinPaths(this.ctx.settings.pins), known)
  }

  /**
   * Pull-request mode: the bump branch as git sees it now (what the API showed earlier does not
   * decide). Ours: brought up to date with a merge parent; someone else's: kept or refused.
   */
  private async bumpView(): Promise<BumpView | { again: 'transient'; reason: string }> {
    const { request } = this
    const bump = request.bump
    if (!bump || !this.headMayExist) return { head: null }
    const fetched = await this.repo.fetchBranch(bump.branch)
    if (fetched.kind === 'final') return this.failed(fetched.reason)
    if (fetched.kind === 'transient' || fetched.kind === 'race') return { again: 'transient', reason: fetched.reason }
    if (fetched.kind !== 'ok') return { head: null }
    const ref = `refs/heads/${bump.branch}`
    const [head] = (await this.repo.describe([ref])) ?? []
    if (!head) return { head: null }
    const holdsPin = async () => {
      const read = await this.read(ref, bump.reads ?? new Map())
      return typeof read !== 'string' && request.judge(read.reads).kind === 'pinned'
    }
    const decision = await bumpRule({ branch: bump.branch, tip: head, holdsPin }, this.ctx.settings.version)
    if (decision.kind === 'keep') return { kind: 'landed', commit: null, attempts: this.pushes, note: decision.note }
    if (decision.kind === 'refuse') return this.failed(decision.reason)
    return { head, mergeParent: decision.kind === 'update' ? decision.tip : undefined }
  }
}
