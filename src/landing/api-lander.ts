import { ApiError, RunStopError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { BranchInfo } from '../forge/forge-shapes.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { Settings } from '../inputs/settings.js'
import { pinBytes } from '../pipeline/pin-policy.js'
import { isPinned } from '../shared/pin-text.js'
import { backoffDelay, gitPolicy, seconds, sleep } from '../shared/retry-policy.js'
import { bumpRule } from './bump-branch.js'
import { MAY_HAVE_LANDED, type Lander, type Landing, type LandRequest } from './lander.js'

export interface ApiLanderContext {
  api: ForgeApi
  settings: Settings
  signal: AbortSignal
  /** Content-creating requests on GitHub: `transport: api` waits for room; auto goes to git. */
  pace: (writes: number, log: (line: string) => void) => Promise<'ok' | 'spent'>
}

type File = { sha: string; bytes: Buffer } | null

/** Under auto, a write past GitHub's budget goes to git (see WritePacing). */
const BUDGET_SPENT: Landing = {
  kind: 'cannot',
  reason: "GitHub's budget for content-creating requests is spent for now",
  attempts: 0
}

/**
 * The contents-API transport: one write per template, no clone, no git process. The forge makes
 * the commit on the branch's current tip, through its hooks and branch protection, and it starts
 * the template's push workflows like any push. Unrelated commits pushed meanwhile need nothing;
 * a stale sha means the file itself changed: it is read again and judged again (pinned, the
 * downgrade policy) before any further write, within `max-attempts` writes in all. Writes are
 * never retried blindly: a write whose answer was lost is read back, not sent twice.
 */
export class ApiLander implements Lander {
  readonly transport = 'api' as const

  constructor(private readonly ctx: ApiLanderContext) {}

  async land(request: LandRequest): Promise<Landing> {
    const { settings } = this.ctx
    const { owner, repo, log } = request
    // One try per request here: this module owns the write's retries.
    const call: CallOptions = { subject: `${owner}/${repo}`, log, group: new RetryGroup(0), budget: request.budget }
    let file: File = request.file
    let target = request.base
    if (request.bump) {
      const prepared = await this.prepareBump(request, request.bump, call)
      if ('kind' in prepared) return prepared
      ;({ file, target } = prepared)
    }
    if (settings.dryRun) return { kind: 'would-land', reason: '' }
    if ((await this.ctx.pace(1, log)) === 'spent') return BUDGET_SPENT
    return this.write(request, target, file, call)
  }

  /** Pull-request mode: the bump branch's rules, then the branch to write on and its file. */
  private async prepareBump(
    request: LandRequest,
    bump: NonNullable<LandRequest['bump']>,
    call: CallOptions
  ): Promise<{ file: File; target: string } | Landing> {
    const { settings, api } = this.ctx
    const { owner, repo, log } = request
    if (bump.tip === null) {
      if (settings.dryRun) return { file: request.file, target: bump.branch }
      const made = await this.createBump(request, bump.branch, call)
      if (made === 'created') return { file: request.file, target: bump.branch }
      if ('kind' in made) return made
      // It appeared meanwhile: judged as found, once (a branch that is gone again fails there).
      return this.prepareBump(request, { branch: bump.branch, tip: made.tip }, call)
    }
    // The look-up round read it with the tip; a branch that appeared since is read now.
    const read = bump.file ?? (await api.file(owner, repo, settings.versionFile, bump.branch, call))
    const held = read.kind === 'file' ? { sha: read.sha, bytes: read.bytes } : null
    const pinned = held !== null && isPinned(held.bytes, settings.version)
    const decision = await bumpRule(
      { branch: bump.branch, tip: bump.tip, holdsPin: () => pinned },
      settings.author.email,
      settings.version
    )
    if (decision.kind === 'keep') return { kind: 'landed', commit: null, attempts: 0, note: decision.note }
    if (decision.kind === 'refuse') return { kind: 'failed', reason: decision.reason, attempts: 0 }
    // Ours. Up to date (cut from the base's current tip) and pinned: nothing to do.
    const [base, parents] = await Promise.all([
      api.branch(owner, repo, request.base, call),
      api.parents(owner, repo, bump.tip.sha, call)
    ])
    const current = base !== null && parents.includes(base.sha)
    if (pinned && current) {
      log(`${bump.branch} already holds the pin on the current ${request.base}`)
      return { kind: 'landed', commit: null, attempts: 0 }
    }
    // Bringing it up to date needs a merge commit, which no contents API makes.
    if (settings.transport === 'auto') {
      return {
        kind: 'cannot',
        reason: `${bump.branch} is behind ${request.base}: bringing it up to date needs a merge commit`,
        attempts: 0
      }
    }
    const behind = current
      ? undefined
      : `${bump.branch} is behind ${request.base}: the contents API cannot merge (transport: git brings it up to date)`
    if (pinned) return { kind: 'landed', commit: null, attempts: 0, note: behind }
    return { file: held, target: bump.branch }
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
    const base = api.kind === 'github' ? await api.branch(owner, repo, request.base, call) : null
    const from: BranchInfo = base ?? { name: request.base, sha: '', authorEmail: undefined, parents: undefined }
    if ((await this.ctx.pace(1, log)) === 'spent') return BUDGET_SPENT
    let made: 'created' | 'exists'
    try {
      made = await api.createBranch(owner, repo, branch, from, call)
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

  private async write(request: LandRequest, target: string, start: File, call: CallOptions): Promise<Landing> {
    const { settings, api, signal } = this.ctx
    const { owner, repo, log } = request
    const policy = gitPolicy(settings.maxAttempts, settings.retryDelayMs)
    let file = start
    let writes = 0
    let unsure = false
    let last = ''
    for (;;) {
      if (writes >= settings.maxAttempts)
        return { kind: 'failed', reason: `gave up after ${writes} writes: ${last}`, attempts: writes }
      writes++
      try {
        const write = {
          path: settings.versionFile,
          branch: target,
          bytes: pinBytes(settings.version),
          sha: file?.sha ?? null
        }
        const commit = await api.writeFile(
          owner,
          repo,
          { ...write, message: settings.commitMessage, author: settings.author },
          call
        )
        log(`landed through the contents API: ${commit.slice(0, 12)} on ${target}`)
        return { kind: 'landed', commit, attempts: writes }
      } catch (error) {
        if (error instanceof RunStopError || !(error instanceof ApiError)) throw error
        if (signal.aborted) return { kind: 'failed', reason: MAY_HAVE_LANDED, attempts: writes, failure: 'transient' }
        last = error.message
        const failure = error.transient ? 'transient' : api.writeFailure(error)
        if (failure === 'unsupported')
          return { kind: 'cannot', reason: `the forge has no contents write here (${error.message})`, attempts: writes }
        if (failure === 'no-access') {
          return {
            kind: 'failed',
            reason: `the token lacks write access to this repository (the forge said: ${error.message})`,
            attempts: writes
          }
        }
        if (failure === 'refused')
          return { kind: 'failed', reason: `write refused: ${error.message}`, attempts: writes }
        if (failure === 'transient') {
          // The write may have landed before its answer was lost: never send it again unread.
          unsure = true
          const delay = backoffDelay(policy, writes)
          log(`write failed (${error.message}); reading the file again in ${seconds(delay)}`)
          if (!(await sleep(delay, signal))) return { kind: 'failed', reason: MAY_HAVE_LANDED, attempts: writes }
        } else {
          log(`${settings.versionFile} changed since it was read (${error.message}); reading it again`)
        }
      }
      // A fresh read decides the next write: pinned now, or what the policy says of the new pin.
      const read = await api.file(owner, repo, settings.versionFile, target, call)
      const verdict = request.judge(read)
      if (verdict.kind === 'pinned') {
        if (unsure) {
          const tip = await api.branch(owner, repo, target, call)
          if (tip?.authorEmail === settings.author.email)
            return { kind: 'landed', commit: tip.sha, attempts: writes, note: 'the interrupted write had landed' }
        }
        return { kind: 'unchanged', reason: `already pinned to ${settings.version} on ${target}`, attempts: writes }
      }
      if (verdict.kind === 'skip') return { kind: 'skipped', reason: verdict.reason, attempts: writes }
      if (verdict.kind === 'fail')
        return {
          kind: 'failed',
          reason: verdict.reason,
          attempts: writes,
          failure: verdict.policy ? 'policy' : 'other'
        }
      file = read.kind === 'file' ? { sha: read.sha, bytes: read.bytes } : null
    }
  }
}
