import type { TemplateResult } from '../pipeline/template-result.js'
import type { FailureKind } from '../shared/failure-kind.js'

export type { FailureKind }

/** The classes the operator acts on: re-run, change something, or take the forge's rule. */
export type FailureClass = 'transient' | 'operator' | 'forge-rule'

export const FAILURE_CLASS: Record<FailureKind, FailureClass> = {
  transient: 'transient',
  'not-found': 'operator',
  policy: 'operator',
  other: 'operator',
  'protected-branch': 'forge-rule'
}

export function failureKind(r: TemplateResult): FailureKind {
  return r.failure ?? 'other'
}

/** What to do about failures of this kind, for the log, the summary and the step's error. */
export function advice(kind: FailureKind): string {
  switch (kind) {
    case 'transient':
      return 're-run them: the failure was the forge, the network or a race, and may pass'
    case 'not-found':
      return 'check the names: the forge has no such repository or branch, or the token cannot see it'
    case 'protected-branch':
      return 'the branch is protected (the forge refused the write for its branch protection): use `mode: pull-request` for them'
    case 'policy':
      return 'refused by the downgrade policy, as asked: set `downgrade: allow` to write an older version'
    case 'other':
      return 'a re-run alone will not help: see each reason, fix it, then re-run'
  }
}

/** The failed templates grouped by kind, in a fixed order: what a re-run may fix first. */
export function failuresByKind(results: readonly TemplateResult[]): Array<[FailureKind, string[]]> {
  const order: FailureKind[] = ['transient', 'protected-branch', 'not-found', 'policy', 'other']
  const failed = results.filter((r) => r.status === 'failed')
  return order
    .map((kind): [FailureKind, string[]] => [
      kind,
      failed.filter((r) => failureKind(r) === kind).map((r) => r.template)
    ])
    .filter(([, names]) => names.length > 0)
}
