import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitRunner } from '../git/git-runner.js'
import { TemplateRepo, type KnownFile } from '../git/template-repo.js'
import type { Settings } from '../inputs/settings.js'
import { isPinned } from '../shared/pin-text.js'
import { backoffDelay, gitPolicy, seconds, sleep } from '../shared/retry-policy.js'
import { bumpRule } from './bump-branch.js'
import { MAY_HAVE_LANDED, type Lander, type Landing, type LandRequest } from './lander.js'

export interface GitLanderContext {
  git: GitRunner
  settings: Settings
  /** Per-run temporary directory; each template clones into its own folder below it. */
  workDir: string
  signal: AbortSignal
}

/**
 * The git transport: a bare, shallow, blobless clone, one fast-import commit, a push. When the
 * push loses a race, fetch the new tip and replay the pin on it. At most `max-attempts` rounds,
 * each ending in one push or one transient failure. Never forces: whatever someone else pushed
 * stays below our commit, and a failure leaves the branch as it was.
 */
export class GitLander implements Lander {
  readonly transport = 'git' as const
  private next = 0

  constructor(private readonly ctx: GitLanderContext) {}

  async land(request: LandRequest): Promise<Landing> {
    const dir = join(
      this.ctx.workDir,
      `${this.next++}-${request.owner}-${request.repo}`.replace(/[^A-Za-z0-9_.-]/g, '_')
    )
    try {
      return await this.rounds(request, dir)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  private async rounds(request: LandRequest, dir: string): Promise<Landing> {
    const { settings, git, signal } = this.ctx
    const { base, bump, log } = request
    const url = `${settings.serverUrl}/${request.owner}/${request.repo}.git`
    const repo = new TemplateRepo(git, dir, url, base, log)
    const policy = gitPolicy(settings.maxAttempts, settings.retryDelayMs)
    const target = bump?.branch ?? base
    const content = `${settings.version}\n`
    // Writes another transport already made count against max-attempts too (auto's hand-over).
    const made = request.writesMade ?? 0
    let pushes = made
    let transient = 0
    let cloned = false
    let headMayExist = bump ? bump.tip !== null : false
    // The version file as the API showed it: to spot a change made after that read, and as the
    // delta base of the push.
    let known: KnownFile | undefined = request.file ? { sha: request.file.sha, raw: request.file.bytes } : undefined
    // Every commit we tried to push: a push whose answer was lost (or that git's HTTP layer resent
    // and then saw refused as stale) may have landed all the same.
    const attempted = new Set<string>()
    let lastReason = ''
    const failed = (reason: string): Landing => ({ kind: 'failed', reason, attempts: pushes })
    const backOff = async (reason: string): Promise<boolean> => {
      lastReason = reason
      const delay = backoffDelay(policy, ++transient)
      log(`transient failure; retrying in ${seconds(delay)}`)
      return sleep(delay, signal)
    }

    for (let round = 1; round <= settings.maxAttempts - made; round++) {
      if (signal.aborted) return failed('cancelled')
      // Every round starts from the current tips: the clone, then only the new tips.
      if (!cloned) await rm(dir, { recursive: true, force: true }) // a failed clone leaves debris
      const got = cloned ? await repo.fetchTip() : await repo.clone()
      if (got.kind === 'final') return failed(got.reason)
      if (got.kind !== 'ok') {
        if (!(await backOff(got.reason))) return failed('cancelled')
        continue
      }
      cloned = true

      let head: { sha: string; tree: string; email: string } | null = null
      if (bump && headMayExist) {
        const fetched = await repo.fetchBranch(bump.branch)
        if (fetched.kind === 'final') return failed(fetched.reason)
        if (fetched.kind === 'transient' || fetched.kind === 'race') {
          if (!(await backOff(fetched.reason))) return failed('cancelled')
          continue
        }
        head = fetched.kind === 'ok' ? ((await repo.describe([`refs/heads/${bump.branch}`]))?.[0] ?? null) : null
      }
      if (attempted.size > 0) {
        const tip = bump ? (head?.sha ?? null) : await repo.tip()
        if (tip !== null && attempted.has(tip))
          return { kind: 'landed', commit: tip, attempts: pushes, note: 'the interrupted push had landed' }
      }
      let mergeParent: string | undefined
      if (bump && head) {
        // What git sees now decides, not what the API showed earlier.
        const state = { sha: head.sha, authorEmail: head.email }
        const holdsPin = () => repo.holds(`refs/heads/${bump.branch}`, settings.versionFile, content)
        const decision = await bumpRule(
          { branch: bump.branch, tip: state, holdsPin },
          settings.author.email,
          settings.version
        )
        if (decision.kind === 'keep') return { kind: 'landed', commit: null, attempts: pushes, note: decision.note }
        if (decision.kind === 'refuse') return failed(decision.reason)
        if (decision.kind === 'update') mergeParent = decision.tip
      }
      const pin = await repo.buildPin(
        settings.versionFile,
        content,
        settings.commitMessage,
        settings.author,
        (bytes) => isPinned(bytes, settings.version),
        known,
        mergeParent
      )
      if (pin.kind === 'already-pinned')
        return { kind: 'unchanged', reason: `already pinned to ${settings.version} on ${base}`, attempts: pushes }
      if (pin.kind === 'not-a-file') return failed(`${settings.versionFile} is not a regular file`)
      if (pin.kind === 'error') return failed(pin.reason)
      // After a race the tip's blob is what a replay compares against; its bytes are not known.
      known =
        pin.previousBlob === null
          ? undefined
          : { sha: pin.previousBlob, raw: known?.sha === pin.previousBlob ? known.raw : undefined }

      if (head && mergeParent) {
        const [candidate] = (await repo.describe([pin.sha])) ?? []
        if (candidate?.tree === head.tree) {
          log(`${bump!.branch} already holds the pin on the current ${base}`)
          return { kind: 'landed', commit: null, attempts: pushes }
        }
      }
      if (settings.dryRun) {
        log(`dry run: built ${pin.sha.slice(0, 12)}, not pushing`)
        return { kind: 'would-land', reason: '' }
      }

      pushes++
      attempted.add(pin.sha)
      const pushed = await repo.push(pin.sha, target)
      if (pushed.kind === 'ok') return { kind: 'landed', commit: pin.sha, attempts: pushes }
      // Killed mid-push by a cancel: the forge may have taken it before git heard back.
      if (signal.aborted) return failed(MAY_HAVE_LANDED)
      if (pushed.kind === 'final') return failed(pushed.reason)
      headMayExist = true
      if (pushed.kind === 'race') {
        lastReason = `the branch kept moving (${pushed.reason})`
        log(`${target} moved: fetching the new tip to replay the pin on it`)
        continue
      }
      if (!(await backOff(pushed.reason))) return failed('cancelled')
    }
    return failed(`gave up after ${settings.maxAttempts} attempts: ${lastReason}`)
  }
}
