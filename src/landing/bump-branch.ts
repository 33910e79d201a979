import { markedVersion } from '../shared/commit-marker.js'

/**
 * Pull-request mode's rules for a bump branch that exists (an absent one is cut from the base),
 * as decisions both transports apply to what they saw (the look-up round's answers, or git's
 * fresh fetch):
 * - made by the cascade (its tip carries the cascade's trailer, whoever authored it): bring it
 *   up to date without force;
 * - someone else's: left alone, since rewriting it would need a force and a tree cut from the
 *   base would revert their work; it still gets its pull request when it holds the pin.
 */
export type BumpDecision =
  { kind: 'update'; tip: string } | { kind: 'keep'; note: string } | { kind: 'refuse'; reason: string }

export interface BumpState {
  branch: string
  tip: { sha: string; message: string | undefined }
  /** Whether the tip holds the pin; only asked for a branch that is not ours. */
  holdsPin: () => Promise<boolean> | boolean
}

export async function bumpRule(state: BumpState, version: string): Promise<BumpDecision> {
  if (markedVersion(state.tip.message) !== null) return { kind: 'update', tip: state.tip.sha }
  if (await state.holdsPin()) {
    return {
      kind: 'keep',
      note: `${state.branch} has commits the cascade did not make; it holds the pin, so it was left as it is`
    }
  }
  return {
    kind: 'refuse',
    reason: `${state.branch} exists with commits the cascade did not make and does not pin ${version}; merge or delete it, then re-run`
  }
}
