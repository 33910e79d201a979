import { ApiError } from '../forge/api-error.js'
import { RunStopError } from '../shared/run-control.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { BranchInfo, WriteAnswer } from '../forge/forge-shapes.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { Author, Settings } from '../inputs/settings.js'
import { alreadyPinned, type PinReads } from '../pins/pin-judgement.js'
import { pinPaths } from '../inputs/pins-input.js'
import { backoffDelay, gitPolicy, seconds, sleep } from '../shared/retry-policy.js'
import { bumpRule } from './bump-branch.js'
import { markedVersion } from '../shared/commit-marker.js'
import { MAY_HAVE_LANDED, type Landing, type LandRequest, type WriteVerdict } from './lander.js'

export interface ApiLanderContext {
  api: ForgeApi
  settings: Settings
  signal: AbortSignal
  /** Whether a pin of this many content-creating requests may go through the API now (auto: else git). */
  pace: (writes: number) => Promise<'ok' | 'spent'>
}

/** Under auto, a write past GitHub's budget goes to git (see WritePacing). */
const budgetSpent = (attempts: number): Landing => ({
  kind: 'cannot',
  reason: "GitHub's budget for content-creating requests is spent for now",
  attempts
})

/** One write's end: landed, a stale read to read again (`transient`: the answer was lost), or final. */
type Tried = { landed: WriteAnswer } | { again: string; transient: boolean } | Landing

/**
 * The API transport: no clone, no git process. One pin file is one contents write; several go
 * in one commit (Gitea's `POST /contents`, GitHub's Git Data API). The forge makes the commit on
 * the branch's current tip, through its hooks and branch protection, and it starts the
 * template's push workflows like any push. A stale read (a file changed since, or the branch
 * moved under a Git Data commit) reads every pin again and judges again before any further
 * write, within `max-attempts` writes in all. Writes are never retried blindly: a write whose
 * answer was lost is read back, not sent twice.
 */
export class ApiLander {
  constructor(private readonly ctx: ApiLanderContext) {}

  async land(request: LandRequest): Promise<Landing> {
    const { owner, repo, log } = request
    // One try per request here: this module owns the write's retries.
    const call: CallOptions = { subject: `${owner}/${repo}`, log, group: new RetryGroup(0), budget: request.budget }
    let reads = request.reads
    let target = request.base
    if (request.bump) {
      const prepared = await this.prepareBump(request, request.bump, call)
      if ('kind' in prepared) return prepared
      ;({ reads, target } = prepared)
    }
    return this.write(request, target, reads, call)
  }

  /** Pull-request mode: the bump branch's rules, then the branch to write on and its files. */
  private async prepareBump(
    request: LandRequest,
    bump: NonNullable<LandRequest['bump']>,
    call: CallOptions
  ): Promise<{ reads: PinReads; target: string } | Landing> {
    const { settings, api } = this.ctx
    const { owner, repo, log } = request
    if (bump.tip === null) {
      if (settings.dryRun) return { reads: request.reads, target: bump.branch }
      const made = await this.createBump(request, bump.branch, call)
      if (made === 'created') return { reads: request.reads, target: bump.branch }
      if ('kind' in made) return made
      // It appeared meanwhile: judged as found, once (a branch that is gone again fails there).
      return this.prepareBump(request, { branch: bump.branch, tip: made.tip }, call)
    }
    // The look-up round read it with the tip; a branch that appeared since is read now.
    const held = bump.reads ?? (await api.files(owner, repo, pinPaths(settings.pins), bump.branch, call))
    const pinned = request.judge(held).kind === 'pinned'
    const decision = await bumpRule({ branch: bump.branch, tip: bump.tip, holdsPin: () => pinned }, settings.version)
    if (decision.kind === 'keep') return { kind: 'landed', commit: null, attempts: 0, note: decision.note }
    if (decision.kind === 'refuse') return { kind: 'failed', reason: decision.reason, attempts: 0 }
    // Ours. Up to date (cut from the base's current tip) and pinned: nothing to do.
    // What the look-up already read (GitHub: the base's tip, the bump tip's parents) is not asked again.
    const [base, parents] = await Promise.all([
      request.baseTip ?? api.branch(owner, repo, request.base, call),
      bump.tip.parents ?? api.parents(owner, repo, bump.tip.sha, call)
    ])
    const current = base !== null && parents.includes(base.sha)
    if (pinned && current) {
      log(`${bump.branch} already holds the pin on the current ${request.base}`)
      return { kind: 'landed', commit: null, attempts: 0 }
    }
    // Bringing it up to date needs a merge commit, which no contents API makes.
    if (settings.transport === 'auto') {
      const reason = `${bump.branch} is behind ${request.base}: bringing it up to date needs a merge commit`
      return { kind: 'cannot', reason, attempts: 0 }
    }
    const behind = current
      ? undefined
      : `${bump.branch} is behind ${request.base}: the contents API cannot merge (transport: git brings it up to date)`
    if (pinned) return { kind: 'landed', commit: null, attempts: 0, note: behind }
    return { reads: held, target: bump.branch }
  }

  /**
   * Cuts the bump branch from the base (GitHub needs the base's sha; Gitea takes its name).
   * 'created', the tip of one that appeared meanwhile, or the failure: a name the forge will not
   * give (a branch or tag in the way), or a forge that says "exists" and then shows nothing.
   */
  private async createBump(
    request: LandRequest,
    branch: string,
    call: CallOptions
  ): Promise<'created' | { tip: BranchInfo } | Landing> {
    const { api } = this.ctx
    const { owner, repo, log } = request
    if ((await this.ctx.pace(1)) === 'spent') return budgetSpent(0)
    let made: 'created' | 'exists'
    try {
      made = await api.createBranch(owner, repo, branch, { name: request.base, tip: request.baseTip }, call)
    } catch (error) {
      if (!(error instanceof ApiError) || error.transient) throw error
      return { kind: 'failed', reason: `${branch} cannot be created: ${error.message}`, attempts: 0 }
    }
    if (made === 'created') {
      log(`created ${branch} from ${request.base}`)
      return 'created'
    }
    const tip = await api.branch(owner, repo, branch, call)
    if (tip === null) {
      const reason = `the forge says ${branch} exists, but it cannot be found: not created, not written`
      return { kind: 'failed', reason, attempts: 0 }
    }
    log(`${branch} appeared meanwhile`)
    return { tip }
  }

  /** Judge, write, and on a stale read read every pin again: within max-attempts writes. */
  private async write(request: LandRequest, target: string, start: PinReads, call: CallOptions): Promise<Landing> {
    const { settings, api, signal } = this.ctx
    const { owner, repo, log } = request
    const policy = gitPolicy(settings.maxAttempts, settings.retryDelayMs)
    let reads = start
    let writes = 0
    let unsure = false
    let last = ''
    for (;;) {
      const verdict = request.judge(reads)
      if (verdict.kind !== 'write') return this.settled(request, target, verdict, writes, unsure, call)
      if (settings.dryRun) return { kind: 'would-land', made: verdict }
      if (writes >= settings.maxAttempts)
        return {
          kind: 'failed',
          reason: `gave up after ${writes} writes: ${last}`,
          attempts: writes,
          failure: 'transient'
        }
      writes++
      const tried = await this.tryWrite(request, target, verdict, writes, call)
      if ('landed' in tried) {
        const { commit, verified } = tried.landed
        const how =
          verdict.changes.length === 1
            ? 'through the contents API'
            : `in one commit through the API (${verdict.changes.length} files)`
        log(`landed ${how}: ${commit.slice(0, 12)} on ${target}${verified ? ' (verified)' : ''}`)
        return { kind: 'landed', commit, attempts: writes, made: verdict, verified }
      }
      if ('kind' in tried) return tried
      last = tried.again
      if (tried.transient) {
        // The write may have landed before its answer was lost: never send it again unread.
        unsure = true
        const delay = backoffDelay(policy, writes)
        log(`write failed (${tried.again}); reading the pins again in ${seconds(delay)}`)
        if (!(await sleep(delay, signal))) return { kind: 'failed', reason: MAY_HAVE_LANDED, attempts: writes }
      } else {
        log(`a pin changed since it was read (${tried.again}); reading the pins again`)
      }
      reads = await api.files(owner, repo, pinPaths(settings.pins), target, call)
    }
  }

  /** A re-read that needs no write: pinned (by us, if an interrupted write landed), skip or fail. */
  private async settled(
    request: LandRequest,
    target: string,
    verdict: Exclude<ReturnType<LandRequest['judge']>, WriteVerdict>,
    writes: number,
    unsure: boolean,
    call: CallOptions
  ): Promise<Landing> {
    const { settings, api } = this.ctx
    if (verdict.kind === 'skip')
      return { kind: 'skipped', reason: verdict.reason, attempts: writes, newer: verdict.newer }
    if (verdict.kind === 'fail')
      return { kind: 'failed', reason: verdict.reason, attempts: writes, failure: verdict.failure ?? 'other' }
    if (unsure) {
      const tip = await api.branch(request.owner, request.repo, target, call)
      if (tip && markedVersion(tip.message) === settings.version)
        return { kind: 'landed', commit: tip.sha, attempts: writes, note: 'the interrupted write had landed' }
    }
    return { kind: 'unchanged', reason: alreadyPinned(settings.version, target), attempts: writes }
  }

  /**
   * One write: a single file through the contents endpoint (today's fast path), several in one
   * commit. On GitHub a pattern pin also goes as a commit, since a contents write makes the
   * file 100644 (reported: github/github-mcp-server#2578) and a Git Data commit keeps its mode.
   */
  private async tryWrite(
    request: LandRequest,
    target: string,
    verdict: WriteVerdict,
    writes: number,
    call: CallOptions
  ): Promise<Tried> {
    const { settings, api } = this.ctx
    const { owner, repo } = request
    const [only] = verdict.changes
    const single = verdict.changes.length === 1 && (api.traits.contentsWriteKeepsMode || only.whole)
    if ((await this.ctx.pace(api.writeRequests(single))) === 'spent') return budgetSpent(writes - 1)
    const message = settings.commitMessage
    const author = this.author()
    try {
      if (single)
        return { landed: await api.writeFile(owner, repo, { ...only, branch: target, message, author }, call) }
      const files = verdict.changes.map(({ path, bytes, sha }) => ({ path, bytes, sha }))
      const made = await api.commitFiles(owner, repo, { branch: target, files, message, author }, call)
      return 'stale' in made
        ? { again: `${made.stale} is no longer the blob read`, transient: false }
        : { landed: made }
    } catch (error) {
      if (error instanceof RunStopError || !(error instanceof ApiError)) throw error
      return this.refusal(error, writes)
    }
  }

  /** What a failed write means for this template (see ForgeApi.writeFailure). */
  private refusal(error: ApiError, writes: number): Tried {
    const { api, signal } = this.ctx
    if (signal.aborted) return { kind: 'failed', reason: MAY_HAVE_LANDED, attempts: writes, failure: 'transient' }
    if (error.transient) return { again: error.message, transient: true }
    const failure = api.writeFailure(error)
    if (failure === 'stale') return { again: error.message, transient: false }
    if (failure === 'unsupported')
      return { kind: 'cannot', reason: `the forge has no contents write here (${error.message})`, attempts: writes }
    if (failure === 'no-access') {
      const reason = `the token lacks write access to this repository (the forge said: ${error.message})`
      return { kind: 'failed', reason, attempts: writes, failure: 'no-access' }
    }
    return { kind: 'failed', reason: `write refused: ${error.message}`, attempts: writes }
  }

  /**
   * GitHub signs an API commit only when it names no author and no committer (forge-facts.md,
   * Signed commits): send none there unless `commit-signing: off`. Gitea takes the author.
   */
  private author(): Author | null {
    const { settings, api } = this.ctx
    return api.traits.apiCommitSigning === 'bot' && settings.signing !== 'off' ? null : settings.author
  }
}
