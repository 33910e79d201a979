import { rm } from 'node:fs/promises'
import { TokenRejectedError } from './errors.js'
import { ensurePullRequest } from './pull-request.js'
import { pinnedVersion, result, type TemplateResult } from './results.js'
import { backoffDelay, sleep } from './retry.js'
import type { TemplateRef } from './template-list.js'
import type { PipelineContext } from './template-pipeline.js'
import { TemplateRepo, type KnownFile } from './template-repo.js'

export interface PinJob {
  ctx: PipelineContext
  ref: TemplateRef
  /** The branch the pin is cut from: the pinned branch in push mode, the base in PR mode. */
  branch: string
  dir: string
  /** The pin the API showed (null: no file). */
  was: string | null
  /** The version file the API showed: to spot a change made after that read, and as delta base. */
  known?: KnownFile
  /** Extra words for the result (a downgrade, versions that could not be compared). */
  note?: string
  /** Pull-request mode: the branch the pin is pushed to, and whether the API saw it. */
  pr?: { head: string; exists: boolean }
  log: (line: string) => void
}

/** Where the pin ended up: a commit on the target branch (null when it was already there). */
type Landed = { landed: string | null; pushes: number; note?: string }

/**
 * Push mode: clone, commit, push; when the push loses a race, fetch the new tip and replay the
 * pin on it. Pull-request mode: the same onto the bump branch, then open (or find) the PR.
 */
export async function pinTemplate(job: PinJob): Promise<TemplateResult> {
  const { inputs } = job.ctx
  const outcome = await landPin(job)
  if ('status' in outcome) return outcome
  const extra = [outcome.note, job.note].filter(Boolean).join('; ')
  const change = describeChange(job)
  const withNote = (text: string) => (extra ? `${text}; ${extra}` : text)
  if (!job.pr) {
    const after = outcome.pushes > 1 ? ` after ${outcome.pushes} pushes` : ''
    return result(job.ref.fullName, 'updated', withNote(`${change}${after}`), {
      branch: job.branch,
      commit: outcome.landed,
      attempts: outcome.pushes
    })
  }
  const spec = { head: job.pr.head, base: job.branch, title: inputs.prTitle, body: inputs.prBody }
  const base = { branch: job.pr.head, commit: outcome.landed, attempts: outcome.pushes }
  try {
    const { opened, pr } = await ensurePullRequest(job.ctx.forge, job.ref, spec, job.log)
    const what = opened ? `opened #${pr.number}` : `#${pr.number} already open`
    return result(job.ref.fullName, opened ? 'pr-opened' : 'pr-exists', withNote(`${what}: ${change}`), {
      ...base,
      pullRequest: pr
    })
  } catch (error) {
    if (error instanceof TokenRejectedError) throw error // the run stops, as for any 401
    const message = (error as Error).message
    return result(
      job.ref.fullName,
      'failed',
      `${job.pr.head} is pushed, but the pull request could not be opened: ${message}`,
      base
    )
  }
}

function describeChange(job: PinJob): string {
  const { version, versionFile, dryRun } = job.ctx.inputs
  const verb = dryRun ? 'would pin' : 'pinned'
  return job.was === null
    ? `${verb} ${version} (created ${versionFile})`
    : `${verb} ${version} (was ${job.was || 'empty'})`
}

/**
 * At most `max-attempts` rounds, each ending in one push or one transient failure. Never forces:
 * whatever someone else pushed stays below our commit, and a failure leaves the branch as it was.
 */
async function landPin(job: PinJob): Promise<TemplateResult | Landed> {
  const { ctx, ref, branch, dir, log } = job
  const { inputs } = ctx
  const repo = new TemplateRepo(ctx.git, dir, `${inputs.serverUrl}/${ref.owner}/${ref.repo}.git`, branch, log)
  const policy = { attempts: inputs.maxAttempts, baseDelayMs: inputs.retryDelayMs, maxRetryAfterMs: 0 }
  const target = job.pr?.head ?? branch
  const stop = (status: 'unchanged' | 'failed' | 'would-update', reason: string) =>
    result(ref.fullName, status, reason, { branch: target, attempts: pushes })

  let pushes = 0
  let transient = 0
  let cloned = false
  let headMayExist = job.pr?.exists ?? false
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
    // Every round starts from the current tips: the clone, then only the new tips.
    if (!cloned) await rm(dir, { recursive: true, force: true }) // a failed clone leaves debris
    const got = cloned ? await repo.fetchTip() : await repo.clone()
    if (got.kind === 'final') return stop('failed', got.reason)
    if (got.kind !== 'ok') {
      await backOff(got.reason)
      continue
    }
    cloned = true

    let head: { sha: string; tree: string; email: string } | null = null
    if (job.pr && headMayExist) {
      const fetched = await repo.fetchBranch(job.pr.head)
      if (fetched.kind === 'final') return stop('failed', fetched.reason)
      if (fetched.kind === 'transient' || fetched.kind === 'race') {
        await backOff(fetched.reason)
        continue
      }
      head = fetched.kind === 'ok' ? ((await repo.describe([`refs/heads/${job.pr.head}`]))?.[0] ?? null) : null
    }
    if (attempted.size > 0) {
      const tip = job.pr ? (head?.sha ?? null) : await repo.tip()
      if (tip !== null && attempted.has(tip)) return { landed: tip, pushes, note: 'the interrupted push had landed' }
    }
    // Our own earlier bump branch may be brought up to date; someone else's is left alone.
    const ours = head !== null && head.email === inputs.authorEmail
    const pin = await repo.buildPin(
      inputs.versionFile,
      `${inputs.version}\n`,
      inputs.commitMessage,
      { name: inputs.authorName, email: inputs.authorEmail },
      (text) => pinnedVersion(text) === inputs.version,
      job.known,
      ours ? head!.sha : undefined
    )
    if (pin.kind === 'already-pinned') return stop('unchanged', `already pinned to ${inputs.version} on ${branch}`)
    if (pin.kind === 'not-a-file') return stop('failed', `${inputs.versionFile} is not a regular file`)
    if (pin.kind === 'error') return stop('failed', pin.reason)
    // After a race the tip's blob is what a replay compares against; its bytes are not known.
    job.known =
      pin.previousBlob === null
        ? undefined
        : { sha: pin.previousBlob, raw: job.known?.sha === pin.previousBlob ? job.known.raw : undefined }

    if (job.pr && head) {
      if (!ours) {
        // Rewriting it would need a force, and a tree cut from the base would revert their work.
        if (await repo.holds(`refs/heads/${job.pr.head}`, inputs.versionFile, `${inputs.version}\n`)) {
          return {
            landed: null,
            pushes,
            note: `${job.pr.head} has commits the cascade did not make; it holds the pin, so it was left as it is`
          }
        }
        return stop(
          'failed',
          `${job.pr.head} exists with commits the cascade did not make and does not pin ${inputs.version}; merge or delete it, then re-run`
        )
      }
      const [candidate] = (await repo.describe([pin.sha])) ?? []
      if (candidate?.tree === head.tree) {
        log(`${job.pr.head} already holds the pin on the current ${branch}`)
        return { landed: null, pushes }
      }
    }
    if (inputs.dryRun) {
      log(`dry run: built ${pin.sha.slice(0, 12)}, not pushing`)
      const what = job.pr ? `would push ${job.pr.head} and open a pull request into ${branch}` : describeChange(job)
      return stop('would-update', job.note ? `${what}; ${job.note}` : what)
    }

    pushes++
    attempted.add(pin.sha)
    const pushed = await repo.push(pin.sha, target)
    if (pushed.kind === 'ok') return { landed: pin.sha, pushes }
    if (pushed.kind === 'final') return stop('failed', pushed.reason)
    headMayExist = true
    if (pushed.kind === 'race') {
      lastReason = `the branch kept moving (${pushed.reason})`
      log(`${target} moved: fetching the new tip to replay the pin on it`)
      continue
    }
    await backOff(pushed.reason)
  }
  return stop('failed', `gave up after ${inputs.maxAttempts} attempts: ${lastReason}`)
}
