import { rm } from 'node:fs/promises'
import { pinnedVersion, result, type TemplateResult } from './results.js'
import { backoffDelay, sleep } from './retry.js'
import type { TemplateRef } from './template-list.js'
import type { PipelineContext } from './template-pipeline.js'
import { TemplateRepo, type KnownFile } from './template-repo.js'

export interface PinJob {
  ctx: PipelineContext
  ref: TemplateRef
  branch: string
  dir: string
  /** The pin the API showed (null: no file). */
  was: string | null
  /** The version file the API showed: to spot a change made after that read, and as delta base. */
  known?: KnownFile
  log: (line: string) => void
}

/**
 * Clone, commit, push; when the push loses a race, fetch the new tip and replay the pin on it.
 * At most `max-attempts` rounds, each ending in one push or one transient failure. Never forces:
 * whatever someone else pushed stays below our commit, and a failure leaves the branch as it was.
 */
export async function pinWithRetry(job: PinJob): Promise<TemplateResult> {
  const { ctx, ref, branch, dir, log } = job
  const { inputs } = ctx
  const repo = new TemplateRepo(ctx.git, dir, `${inputs.serverUrl}/${ref.owner}/${ref.repo}.git`, branch, log)
  const policy = { attempts: inputs.maxAttempts, baseDelayMs: inputs.retryDelayMs, maxRetryAfterMs: 0 }
  const done = (status: 'updated' | 'unchanged' | 'failed' | 'would-update', reason: string, commit: string | null = null) =>
    result(ref.fullName, status, reason, { branch, commit, attempts: pushes })
  const pinned = inputs.dryRun ? 'would pin' : 'pinned'
  const change = job.was === null ? `${pinned} ${inputs.version} (created ${inputs.versionFile})` : `${pinned} ${inputs.version} (was ${job.was || 'empty'})`

  let pushes = 0
  let transient = 0
  let cloned = false
  // Every commit we tried to push: a push whose answer was lost (or that git's HTTP layer resent
  // and then saw refused as stale) may have landed all the same.
  const attempted = new Set<string>()
  let lastReason = ''
  const backOff = async (reason: string): Promise<void> => {
    lastReason = reason
    const delay = backoffDelay(policy, ++transient)
    log(`transient failure; retrying in ${(delay / 1000).toFixed(1)} s`)
    await sleep(delay)
  }

  for (let round = 1; round <= inputs.maxAttempts; round++) {
    // Every round starts from the branch's current tip: the clone, then only the new tip.
    if (!cloned) await rm(dir, { recursive: true, force: true }) // a failed clone leaves debris
    const got = cloned ? await repo.fetchTip() : await repo.clone()
    if (got.kind === 'final') return done('failed', got.reason)
    if (got.kind !== 'ok') {
      await backOff(got.reason)
      continue
    }
    cloned = true
    if (attempted.size > 0) {
      const tip = await repo.tip()
      if (tip !== null && attempted.has(tip)) return done('updated', `${change}; the interrupted push had landed`, tip)
    }

    const pin = await repo.buildPin(
      inputs.versionFile,
      `${inputs.version}\n`,
      inputs.commitMessage,
      { name: inputs.authorName, email: inputs.authorEmail },
      (text) => pinnedVersion(text) === inputs.version,
      job.known
    )
    if (pin.kind === 'already-pinned') return done('unchanged', `already pinned to ${inputs.version} on the branch tip`)
    if (pin.kind === 'not-a-file') return done('failed', `${inputs.versionFile} is not a regular file`)
    if (pin.kind === 'error') return done('failed', pin.reason)
    // After a race the tip's blob is what a replay compares against; its bytes are not known.
    job.known = pin.previousBlob === null ? undefined : { sha: pin.previousBlob, raw: job.known?.sha === pin.previousBlob ? job.known.raw : undefined }
    if (inputs.dryRun) {
      log(`dry run: built ${pin.sha.slice(0, 12)}, not pushing`)
      return done('would-update', change)
    }

    pushes++
    attempted.add(pin.sha)
    const pushed = await repo.push(pin.sha)
    if (pushed.kind === 'ok') return done('updated', pushes > 1 ? `${change} after ${pushes} pushes` : change, pin.sha)
    if (pushed.kind === 'final') return done('failed', pushed.reason)
    if (pushed.kind === 'race') {
      lastReason = `the branch kept moving (${pushed.reason})`
      log('the branch moved since the clone: fetching the new tip to replay the pin on it')
      continue
    }
    await backOff(pushed.reason)
  }
  return done('failed', `gave up after ${inputs.maxAttempts} attempts: ${lastReason}`)
}
