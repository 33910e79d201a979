import { ApiError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'
import type { BranchInfo, FileRead, RepoInfo } from '../forge/forge-shapes.js'
import type { Settings } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'
import { pinPaths } from '../inputs/pins-input.js'
import type { PinReads } from '../pins/pin-judgement.js'

/** What one round trip to the API tells about a template. */
export interface LookUp {
  /** null: the forge says there is no such repository (or the token cannot see it). */
  repo: RepoInfo | null
  /** The `branch` input exists (always true without it). */
  branchExists: boolean
  /** The first probe path found, with its content; null when every path is absent. */
  workflow: { path: string; bytes: Buffer | null } | null
  /** Every probe path found (the consumer guard reads them all). */
  workflows: Array<{ path: string; bytes: Buffer | null }>
  /** Every pin's file, read on the branch to pin. */
  files: PinReads
  /** Pull-request mode: the bump branch's tip (null: absent) and every pin's file on it. */
  bump?: { tip: BranchInfo | null; files: PinReads }
  /** The branch to pin's tip, where the look-up read it (GitHub's batches): pull-request mode cuts and compares with it. */
  base?: BranchInfo
}

/**
 * Everything the API can tell goes out at once, one round trip: the repository, the branch
 * input, each probe path and every pin's file (on the default branch, or on `branch`), and in
 * pull-request mode the bump branch and the pins' files on it. The requests share one retry group, so a persistent fault
 * costs the round plus three retries, not every request four tries. A request that fails for
 * good throws, saying which one: a template is never skipped on an error.
 */
export async function lookUp(api: ForgeApi, ref: TemplateRef, settings: Settings, call: CallOptions): Promise<LookUp> {
  const { owner, repo } = ref
  const at = settings.branch || undefined
  const pr = settings.mode === 'pull-request' ? settings.pr.branch : undefined
  const paths = pinPaths(settings.pins)
  const [lookup, branch, probes, files, bumpTip, bumpFiles] = await Promise.allSettled([
    api.repo(owner, repo, call),
    settings.branch ? api.branch(owner, repo, settings.branch, call).then((b) => b !== null) : Promise.resolve(true),
    Promise.allSettled(settings.probePaths.map((path) => api.file(owner, repo, path, at, call))),
    api.files(owner, repo, paths, at, call),
    pr ? api.branch(owner, repo, pr, call) : Promise.resolve(null),
    pr ? api.files(owner, repo, paths, pr, call) : Promise.resolve<PinReads>(new Map())
  ])
  const value = <T>(outcome: PromiseSettledResult<T>, what: string): T => {
    if (outcome.status === 'fulfilled') return outcome.value
    throw outcome.reason instanceof ApiError ? outcome.reason.during(what) : outcome.reason
  }
  const info = value(lookup, 'repository lookup failed')
  if (info === null) return { repo: null, branchExists: false, workflow: null, workflows: [], files: new Map() }
  const settledProbes = value(probes, 'probe failed')
  const answers: LookUp = {
    repo: info,
    branchExists: value(branch, 'branch lookup failed'),
    ...probeAnswer(settings.probePaths, (_, i) => {
      const read = settledProbes[i]
      return read.status === 'fulfilled' ? read.value : undefined
    }),
    files: new Map()
  }
  // A probe that errored must never read as "no workflow": one path we could not read might be it.
  if (answers.workflow === null) {
    const error = settledProbes.find((p) => p.status === 'rejected')
    if (error) value(error, 'probe failed')
  }
  // readPins names the file that failed already.
  const settled = <T>(outcome: PromiseSettledResult<T>): T => {
    if (outcome.status === 'rejected') throw outcome.reason
    return outcome.value
  }
  answers.files = settled(files)
  if (pr) answers.bump = { tip: value(bumpTip, `looking up ${pr} failed`), files: settled(bumpFiles) }
  return answers
}

/**
 * The probe's answer from each path's read (undefined: not read): the paths found, in order,
 * the first of them the workflow; no paths at all turn the probe off.
 */
export function probeAnswer(
  paths: string[],
  readOf: (path: string, index: number) => FileRead | undefined
): Pick<LookUp, 'workflow' | 'workflows'> {
  const workflows = paths.flatMap((path, i) => {
    const read = readOf(path, i)
    if (!read || read.kind === 'absent' || read.kind === 'empty-repository') return []
    return [{ path, bytes: read.kind === 'file' ? read.bytes : null }]
  })
  return { workflow: paths.length === 0 ? { path: '', bytes: null } : (workflows[0] ?? null), workflows }
}
