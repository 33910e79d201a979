import { join } from 'node:path'
import { TokenRejectedError } from './errors.js'
import { ApiError, repoApiPath, type ForgeClient, type RepoFile } from './forge-client.js'
import type { GitRunner } from './git-runner.js'
import type { Inputs } from './inputs.js'
import { pinTemplate } from './pin-push.js'
import { compareVersions } from './version-order.js'
import { pinnedVersion, result, type TemplateResult } from './results.js'
import type { TemplateRef } from './template-list.js'

export interface PipelineContext {
  inputs: Inputs
  forge: ForgeClient
  git: GitRunner
  /** Per-run temporary directory; each template clones into its own folder below it. */
  workDir: string
}

type Log = (line: string) => void

/**
 * One template, start to finish. The API stage decides everything it can without git, in one
 * round trip: a missing repository fails, an archived one or one without publish-image.yml is
 * skipped, one already pinned is unchanged. Only a template that needs a commit is cloned.
 * Throws only TokenRejectedError (the run stops); every other failure is this template's result.
 */
export async function processTemplate(
  ref: TemplateRef,
  index: number,
  ctx: PipelineContext,
  log: Log
): Promise<TemplateResult> {
  try {
    return await pipeline(ref, index, ctx, log)
  } catch (error) {
    if (error instanceof TokenRejectedError) throw error
    const message = error instanceof ApiError ? error.message : `unexpected error: ${(error as Error).message}`
    return result(ref.fullName, 'failed', message)
  }
}

async function pipeline(ref: TemplateRef, index: number, ctx: PipelineContext, log: Log): Promise<TemplateResult> {
  const { inputs, forge } = ctx
  const { owner, repo, fullName } = ref
  const failed = (reason: string, branch: string | null = null) => result(fullName, 'failed', reason, { branch })
  const skipped = (reason: string, branch: string | null = null) => result(fullName, 'skipped', reason, { branch })

  // Everything the API can tell goes out at once: one round trip decides failed, skipped,
  // unchanged or clone. Without a branch input the contents API reads the default branch.
  log(`looking up ${fullName}${inputs.branch ? ` (branch ${inputs.branch})` : ''}`)
  const apiRef = inputs.branch || undefined
  const pullRequestMode = inputs.mode === 'pull-request'
  const [lookup, branchCheck, probe, current, bump] = await Promise.allSettled([
    forge.getRepo(owner, repo, log),
    inputs.branch ? branchExists(ctx, ref, inputs.branch, log) : Promise.resolve(true),
    probeWorkflow(ctx, ref, apiRef, log),
    forge.getFile(owner, repo, inputs.versionFile, apiRef, log),
    pullRequestMode ? branchExists(ctx, ref, inputs.prBranch, log) : Promise.resolve(false)
  ])

  if (lookup.status === 'rejected') {
    if (lookup.reason instanceof ApiError && lookup.reason.status === 404)
      return failed('repository not found, or the token cannot see it (HTTP 404)')
    throw rethrowAs('repository lookup failed', lookup.reason)
  }
  const info = lookup.value
  if (info.archived) return skipped('archived repository')
  if (info.mirror) return skipped('mirror repository (read-only)')
  if (info.empty) return skipped('empty repository (no branch to pin)')
  if (info.canPush === false) return failed('the token has no push permission on this repository')

  const branch = inputs.branch || info.defaultBranch
  if (!branch) return failed('the forge reported no default branch')
  log(`branch ${branch}${inputs.branch ? '' : ' (default)'}`)
  // A 404 from the probe must mean "no workflow", never "no such branch".
  if (branchCheck.status === 'rejected') throw rethrowAs('branch lookup failed', branchCheck.reason)
  if (!branchCheck.value) return failed(`branch ${branch} not found`, branch)

  if (probe.status === 'rejected') throw rethrowAs('probe failed', probe.reason)
  if (probe.value === 'absent')
    return skipped(`no publish-image.yml (looked for ${inputs.probePaths.join(', ')})`, branch)
  if (current.status === 'rejected') throw rethrowAs(`reading ${inputs.versionFile} failed`, current.reason)

  const file: RepoFile | null = current.value
  if (file && file.content === undefined) return failed(`${inputs.versionFile} is not a regular file`, branch)
  const was = file?.content === undefined ? null : pinnedVersion(file.content)
  if (was === inputs.version) {
    log(`${inputs.versionFile} already pins ${inputs.version}: nothing to do`)
    return result(fullName, 'unchanged', `already pinned to ${inputs.version}`, { branch })
  }
  log(
    was === null
      ? `${inputs.versionFile} is absent: it will be created`
      : `${inputs.versionFile} pins ${was || '(empty)'}`
  )

  let note: string | undefined
  if (was !== null && was !== '') {
    const order = compareVersions(inputs.version, was)
    if (order === null) note = `versions could not be compared (${was} → ${inputs.version})`
    else if (order < 0) {
      if (inputs.downgrade === 'skip') return skipped(`pin ${was} is newer`, branch)
      if (inputs.downgrade === 'fail')
        return failed(`pin ${was} is newer than ${inputs.version} (downgrade: fail)`, branch)
      note = `a downgrade from ${was}`
    }
  }
  if (bump.status === 'rejected') throw rethrowAs(`looking up ${inputs.prBranch} failed`, bump.reason)

  const dir = join(ctx.workDir, `${index}-${owner}-${repo}`.replace(/[^A-Za-z0-9_.-]/g, '_'))
  const known = file ? { sha: file.sha, raw: file.raw } : undefined
  const pr = pullRequestMode ? { head: inputs.prBranch, exists: bump.value } : undefined
  return pinTemplate({ ctx, ref, branch, dir, was, known, note, pr, log })
}

async function branchExists(ctx: PipelineContext, ref: TemplateRef, branch: string, log: Log): Promise<boolean> {
  try {
    await ctx.forge.json('GET', repoApiPath(ref.owner, ref.repo, 'branches', branch), log)
    return true
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false
    throw error
  }
}

/** 'present' when any probe path exists; 'absent' only when every one is a 404. */
async function probeWorkflow(
  ctx: PipelineContext,
  ref: TemplateRef,
  branch: string | undefined,
  log: Log
): Promise<'present' | 'absent'> {
  const paths = ctx.inputs.probePaths
  if (paths.length === 0) return 'present'
  const found = await Promise.allSettled(paths.map((path) => ctx.forge.getFile(ref.owner, ref.repo, path, branch, log)))
  const hit = found.findIndex((f) => f.status === 'fulfilled' && f.value !== null)
  if (hit >= 0) {
    log(`found ${paths[hit]}`)
    return 'present'
  }
  // Never skip on an error: one path we could not read might be the workflow.
  const error = found.find((f): f is PromiseRejectedResult => f.status === 'rejected')
  if (error) throw error.reason
  return 'absent'
}

function rethrowAs(what: string, error: unknown): unknown {
  if (error instanceof ApiError) return new ApiError(error.status, `${what}: ${error.message}`)
  return error
}
