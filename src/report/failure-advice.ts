import type { TemplateResult } from './results.js'

/**
 * Why a template failed, as far as what to do next goes:
 * - transient: the forge or the network failed, a race was lost too often, the run was cut
 *   short (a failing forge, a rate limit, a cancel): a re-run may fix it;
 * - not-found: no such repository (or branch) for this token: check the name;
 * - protected-branch: the forge's branch protection refused the write: pull-request mode;
 * - policy: the downgrade policy refused it, as asked;
 * - other: anything else the forge refused or the template holds: it needs a change first.
 */
export type FailureKind = 'transient' | 'not-found' | 'protected-branch' | 'policy' | 'other'

/** The classes the operator acts on: re-run, change something, or take the forge's rule. */
export type FailureClass = 'transient' | 'operator' | 'forge-rule'

export const FAILURE_CLASS: Record<FailureKind, FailureClass> = {
  transient: 'transient',
  'not-found': 'operator',
  policy: 'operator',
  other: 'operator',
  'protected-branch': 'forge-rule'
}

/**
 * A refusal for branch protection, in each forge's words (forge-facts.md): Gitea/Forgejo's API
 * says only "user cannot commit to repo [user: X]" (its branch-protection check), GitHub's API
 * "Changes must be made through a pull request"; pushes "Not allowed to push to protected
 * branch X" (Gitea, Forgejo) and "GH006: Protected branch update failed" (GitHub).
 */
const PROTECTED = /user cannot commit to repo|Changes must be made through a pull request|protected branch|GH006/i

/** The kind of a failure whose landing did not say: from the forge's own words. */
export function kindOfRefusal(reason: string): FailureKind {
  if (PROTECTED.test(reason)) return 'protected-branch'
  if (/^gave up after \d+ (writes|attempts)|^cancelled/.test(reason)) return 'transient'
  return 'other'
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
