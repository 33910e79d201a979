import type { BranchInfo } from '../forge/forge-shapes.js'
import type { RequestBudget } from '../forge/request-budget.js'
import type { PinReads, Verdict } from '../pins/pin-judgement.js'
import type { FailureKind } from '../shared/failure-kind.js'
import type { Log } from '../shared/log.js'

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
  /** Every pin's file on `base` as the look-up round read it. */
  reads: PinReads
  /**
   * Pull-request mode: the bump branch, its tip as the API showed it (null: absent), and the
   * pins' files on it, read in the same round (absent: read them when needed).
   */
  bump?: { branch: string; tip: BranchInfo | null; reads?: PinReads }
  /** The base's tip as the look-up read it (GitHub's batches); undefined: read it when needed. */
  baseTip?: BranchInfo
  /** Writes already made for this pin by another transport (auto's API try before git). */
  writesMade?: number
  /** The template's bound on REST requests, shared with the look-up round. */
  budget?: RequestBudget
  /** The one judgement (pins, downgrade policy), of the first read and of every re-read. */
  judge: (reads: PinReads) => Verdict
  log: Log
}

export type WriteVerdict = Extract<Verdict, { kind: 'write' }>

/** How landing ended. `attempts` counts writes (pushes, or API commits) made. */
export type Landing =
  /**
   * The pin is on the target branch: `commit` made now, or null when it already was there.
   * `made`: the judgement the commit was built from (after a race, what it really replaced).
   * `verified`: the forge's word on the commit's signature, when its answer gave one.
   */
  | {
      kind: 'landed'
      commit: string | null
      attempts: number
      note?: string
      made?: WriteVerdict
      verified?: boolean
    }
  /** Nothing to write after all (someone pinned it meanwhile); `reason` for the result. */
  | { kind: 'unchanged'; reason: string; attempts: number }
  /** A re-read under the policy said skip; `newer`: the newer pin it keeps. */
  | { kind: 'skipped'; reason: string; attempts: number; newer?: string }
  | { kind: 'would-land'; made: WriteVerdict }
  | { kind: 'failed'; reason: string; attempts: number; failure?: FailureKind }
  /** This transport cannot serve this template; under `transport: auto` git takes it. */
  | { kind: 'cannot'; reason: string; attempts: number }

/** Landing a pin: one interface, two transports (the forge's contents API, or git). */
export interface Lander {
  land(request: LandRequest): Promise<Landing & { transport: Transport }>
}
