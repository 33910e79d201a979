import type { Quota } from '../forge/forge-client.js'
import type { Settings } from '../inputs/settings.js'
import { pinPaths } from '../inputs/pins-input.js'
import { gitDataRequests } from '../forge/git-data-commit.js'
import type { ForgeTraits } from '../forge/forge-traits.js'
import type { WriteVerdict } from '../landing/lander.js'
import { decide } from './decide.js'
import type { LookUp } from './look-up.js'
import { RepoClaims } from './repo-claims.js'

/**
 * What a GitHub run expects to spend of its hourly REST quota once the look-up batches are in,
 * said before the first write. The figures per template follow the requests the action sends:
 * - a template the batches did not answer is looked up through REST: the repository, each probe
 *   path and pin file, the `branch` input, and in pull-request mode the bump branch and its pins;
 * - a template to pin costs, through the API, one contents PUT for one whole file, and the Git
 *   Data commit for several or for a pattern pin (the branch, each directory's tree on the way,
 *   the new tree, the commit, the ref: five at least); through git, no REST request at all (pushes
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

export function estimateQuota(
  held: Iterable<LookUp>,
  templates: number,
  settings: Settings,
  traits: Pick<ForgeTraits, 'contentsWriteKeepsMode'>
): QuotaEstimate {
  let answered = 0
  let toPin = 0
  let writeRequests = 0
  // The one decision, as each template will make it (a fresh claim book: no name counts twice here).
  const claims = new RepoClaims()
  for (const seen of held) {
    answered++
    const decided = decide(seen, settings, seen.repo?.fullName ?? `#${answered}`, claims, () => {})
    if (!('verdict' in decided)) continue
    toPin++
    writeRequests += writeCost(decided.verdict, traits)
  }
  const restLookUps = templates - answered
  const pinPathsCount = pinPaths(settings.pins).length
  const lookUpCost =
    1 +
    settings.probePaths.length +
    pinPathsCount +
    (settings.branch ? 1 : 0) +
    (settings.mode === 'pull-request' ? 1 + pinPathsCount : 0)
  // The unanswered ones may write every pin's file, through Git Data where there are several.
  const unanswered = pinPathsCount > 1 ? gitDataRequests(pinPaths(settings.pins)) : 1
  const throughApi = settings.transport !== 'git'
  const extra = (settings.mode === 'pull-request' ? 6 : 0) + (settings.verifyBuild !== 'false' ? 2 : 0)
  const pinned = toPin + restLookUps
  const writes = throughApi ? writeRequests + restLookUps * unanswered : 0
  const requests = restLookUps * lookUpCost + writes + pinned * extra
  // Check mode and a dry run write nothing: only the REST look-ups cost.
  const writing = settings.mode !== 'check' && !settings.dryRun
  return {
    toPin: settings.mode === 'check' ? 0 : toPin,
    restLookUps,
    requests: writing ? requests : restLookUps * lookUpCost
  }
}

/** REST requests of one pin commit through the API: one contents write, or a Git Data commit. */
function writeCost(verdict: WriteVerdict, traits: Pick<ForgeTraits, 'contentsWriteKeepsMode'>): number {
  const [only] = verdict.changes
  const single = verdict.changes.length === 1 && (traits.contentsWriteKeepsMode || only.whole)
  return single ? 1 : gitDataRequests(verdict.changes.map((c) => c.path))
}

/** The line before the first write, and whether it is a warning (more than is left). */
export function quotaLine(
  estimate: QuotaEstimate,
  core: Quota | undefined,
  graphql: { queries: number; points: number; cut: number; left: Quota | undefined },
  waitSeconds: number
): { text: string; warn: boolean } {
  const cut = graphql.cut > 0 ? `, ${graphql.cut} of them cut by GitHub's time limit and charged all the same` : ''
  const left = graphql.left ? ` (${graphql.left.remaining} of ${graphql.left.limit} left)` : ''
  const spentGraphql = `the look-up took ${graphql.points} GraphQL point(s) in ${graphql.queries} quer${graphql.queries === 1 ? 'y' : 'ies'}${cut}${left}`
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
