import type { Quota } from '../forge/forge-client.js'
import type { Settings } from '../inputs/settings.js'
import { pinPaths } from '../inputs/pins-input.js'
import { judgePins } from '../pins/pin-judgement.js'
import type { LookUp } from './look-up.js'

/**
 * What a GitHub run expects to spend of its hourly REST quota once the look-up batches are in,
 * said before the first write. The figures per template follow the requests the action sends:
 * - a template the batches did not answer is looked up through REST: the repository, each probe
 *   path and pin file, the `branch` input, and in pull-request mode the bump branch and its pins;
 * - a template to pin costs, through the API, one contents PUT for one file and four Git Data
 *   requests for several (branch, tree, commit, ref); through git, no REST request at all (pushes
 *   are not API requests); in pull-request mode about six more (its pull requests listed, the
 *   base read, the branch created, the pull request opened and dressed); verify-build two more
 *   at least (its runs looked for).
 * Templates the batches did not answer count as templates to pin: an estimate errs high.
 */
export interface QuotaEstimate {
  /** Templates the batches showed need a pin (those left to REST are not known yet). */
  toPin: number
  restLookUps: number
  requests: number
}

export function estimateQuota(held: Iterable<LookUp>, templates: number, settings: Settings): QuotaEstimate {
  let answered = 0
  let toPin = 0
  const byFiles = { one: 0, several: 0 }
  for (const seen of held) {
    answered++
    const verdict = needsPin(seen, settings)
    if (verdict === 0) continue
    toPin++
    byFiles[verdict === 1 ? 'one' : 'several']++
  }
  const restLookUps = templates - answered
  const pinPathsCount = pinPaths(settings.pins).length
  const lookUpCost =
    1 +
    settings.probePaths.length +
    pinPathsCount +
    (settings.branch ? 1 : 0) +
    (settings.mode === 'pull-request' ? 1 + pinPathsCount : 0)
  // The unanswered ones may write as many files as there are pins.
  const severalAtOnce = pinPathsCount > 1
  byFiles[severalAtOnce ? 'several' : 'one'] += restLookUps
  const throughApi = settings.transport !== 'git'
  const write = (files: 'one' | 'several') => (throughApi ? (files === 'one' ? 1 : 4) : 0)
  const extra = (settings.mode === 'pull-request' ? 6 : 0) + (settings.verifyBuild !== 'false' ? 2 : 0)
  const pinned = toPin + restLookUps
  const requests =
    restLookUps * lookUpCost + byFiles.one * write('one') + byFiles.several * write('several') + pinned * extra
  // Check mode and a dry run write nothing: only the REST look-ups cost.
  const writes = settings.mode !== 'check' && !settings.dryRun
  return {
    toPin: settings.mode === 'check' ? 0 : toPin,
    restLookUps,
    requests: writes ? requests : restLookUps * lookUpCost
  }
}

/** 0: nothing to write; else how many files the pin writes. */
function needsPin(seen: LookUp, settings: Settings): number {
  const repo = seen.repo
  if (!repo || repo.archived || repo.mirror || repo.empty || !seen.branchExists || seen.workflow === null) return 0
  const verdict = judgePins(seen.files, settings)
  return verdict.kind === 'write' ? verdict.changes.length : 0
}

/** The line before the first write, and whether it is a warning (more than is left). */
export function quotaLine(
  estimate: QuotaEstimate,
  core: Quota | undefined,
  graphql: { queries: number; left: Quota | undefined },
  waitSeconds: number
): { text: string; warn: boolean } {
  const spentGraphql = `the look-up took ${graphql.queries} GraphQL point(s)${graphql.left ? ` (${graphql.left.remaining} of ${graphql.left.limit} left)` : ''}`
  const restLeft = core ? ` (${core.remaining} of ${core.limit} left until ${core.reset.toISOString()})` : ''
  const text =
    `GitHub quota: ${spentGraphql}; ${estimate.toPin} template(s) to pin` +
    `${estimate.restLookUps > 0 ? ` and ${estimate.restLookUps} to look up through REST first (each counted as one to pin)` : ''}` +
    `: about ${estimate.requests} REST request(s)${restLeft}`
  if (!core || estimate.requests <= core.remaining) return { text, warn: false }
  return {
    text:
      `${text}. That is more than is left: the run pins until the quota runs out, waits for it for up to ` +
      `rate-limit-wait (${waitSeconds} s), and past that stops; the templates not done are listed in ` +
      `failed-templates, to run again after ${core.reset.toISOString()}`,
    warn: true
  }
}
