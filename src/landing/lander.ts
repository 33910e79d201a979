import type { BranchInfo, FileRead } from '../forge/forge-shapes.js'
import type { RequestBudget } from '../forge/request-budget.js'
import type { Verdict } from '../pipeline/pin-policy.js'
import type { FailureKind } from '../report/failure-advice.js'

export type Transport = 'api' | 'git'

/** A write cut short by a cancel: nobody can say whether the forge took it. */
export const MAY_HAVE_LANDED = 'cancelled while pushing: the pin may have landed (a re-run shows it as unchanged if so)'

/** Where a pin goes, and what the look-up round already knows about it. */
export interface LandRequest {
  /** The repository as the forge named it (after a rename, the new name). */
  owner: string
  repo: string
  /** The branch the pin is cut from: the pinned branch in push mode, the base in PR mode. */
  base: string
  /** The version file on `base` as the API showed it: blob id and bytes; null when absent. */
  file: { sha: string; bytes: Buffer } | null
  /**
   * Pull-request mode: the bump branch, its tip as the API showed it (null: absent), and the
   * version file on it, read in the same round (absent: read it when needed).
   */
  bump?: { branch: string; tip: BranchInfo | null; file?: FileRead }
  /** Writes already made for this pin by another transport (auto's API try before git). */
  writesMade?: number
  /** The template's bound on REST requests, shared with the look-up round. */
  budget?: RequestBudget
  /** Judges a version file read again after the branch moved (pinned, downgrade policy). */
  judge: (file: FileRead) => Verdict
  log: (line: string) => void
}

/** How landing ended. `attempts` counts writes (pushes, or contents-API writes) made. */
export type Landing =
  /** The pin is on the target branch: `commit` made now, or null when it already was there. */
  | { kind: 'landed'; commit: string | null; attempts: number; note?: string }
  /** Nothing to write after all (someone pinned it meanwhile); `reason` for the result. */
  | { kind: 'unchanged'; reason: string; attempts: number }
  /** A re-read under the policy said skip. */
  | { kind: 'skipped'; reason: string; attempts: number }
  | { kind: 'would-land'; reason: string }
  | { kind: 'failed'; reason: string; attempts: number; failure?: FailureKind }
  /** This transport cannot serve this template; under `transport: auto` git takes it. */
  | { kind: 'cannot'; reason: string; attempts: number }

/** Landing a pin: one interface, two transports (the forge's contents API, or git). */
export interface Lander {
  readonly transport: Transport
  land(request: LandRequest): Promise<Landing>
}
