import type { PullRequestRef } from '../pulls/bump-pulls.js'
import type { BuildState } from '../builds/run-poller.js'
import type { FailureKind } from '../shared/failure-kind.js'

export type Status =
  | 'updated'
  | 'unchanged'
  | 'skipped'
  | 'failed'
  | 'would-update'
  | 'pr-opened'
  | 'pr-exists'
  /** Check mode: pins the version. */
  | 'current'
  /** Check mode: pins another version, or nothing. */
  | 'lagging'

/** One template's outcome: the shape of each element of the `results` output. */
export interface TemplateResult {
  template: string
  status: Status
  reason: string
  commit: string | null
  branch: string | null
  attempts: number
  /** Pull-request mode: the pull request opened or found (not part of the `results` output). */
  pullRequest?: PullRequestRef
  /** Pull-request mode: the action's own bump pull requests for other versions it closed. */
  superseded?: number[]
  /** Pull-request mode with auto-merge: what the forge did with the request. */
  autoMerge?: 'enabled' | 'scheduled' | 'merged' | 'refused' | 'held'
  /** The repository's name now, when the forge redirected from the one in the list. */
  renamedTo?: string
  /** This name is the same repository as that template's (a rename): folded into its result. */
  sameAs?: string
  /** Every listed name this result covers, when more than one named the same repository. */
  names?: string[]
  /** A failed template: why, as far as what to do next goes (see failure-advice.ts). */
  failure?: FailureKind
  /** The forge has no such repository (or the token cannot see it): nothing to link to. */
  repositoryMissing?: true
  /** The version file's pin as the template read it before this run, when it had one. */
  pinnedBefore?: string
  /** The files the pin commit wrote (or would write, in a dry run). */
  files?: string[]
  /** The forge's word on the pin commit's signature, when its answer gave one. */
  verified?: boolean
  /** How the pin landed: the forge's API, or a git push. */
  transport?: 'api' | 'git'
  /** Why the template was skipped, where the summary groups it: no probed workflow found, or a newer pin kept. */
  skip?: 'no-workflow' | 'newer-pin'
  /** Never started (the run had stopped) or cut off by a cancel: no log group of its own. */
  cut?: 'not-attempted' | 'cancelled'
  /** Build waves: how long this pin waited for a build slot (ms), when it had to. */
  slotWaitMs?: number
  /** The consumer guard's warning: the workflow does not mention the version file. */
  consumer?: string
  /** verify-build: what became of the build the pin should have started. */
  build?: BuildState
  /** verify-build: the build being looked for while other templates are pinned. */
  pendingBuild?: Promise<BuildState>
}

export function result(
  template: string,
  status: Status,
  reason: string,
  extra: Partial<TemplateResult> = {}
): TemplateResult {
  return { template, status, reason, commit: null, branch: null, attempts: 0, ...extra }
}
