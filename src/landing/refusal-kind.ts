import type { FailureKind } from '../shared/failure-kind.js'

/**
 * A refusal for branch protection, in each forge's words (forge-facts.md): Gitea/Forgejo's API
 * says only "user cannot commit to repo [user: X]" (its branch-protection check), GitHub's API
 * "Changes must be made through a pull request"; pushes "Not allowed to push to protected
 * branch X" (Gitea, Forgejo) and "GH006: Protected branch update failed" (GitHub).
 */
const PROTECTED = /user cannot commit to repo|Changes must be made through a pull request|protected branch|GH006/i

/** The kind of a refusal whose landing did not say: from the forge's own words. */
export function kindOfRefusal(reason: string): FailureKind {
  if (PROTECTED.test(reason)) return 'protected-branch'
  // git's 403 on a push, in the words git-outcome.ts gives it.
  return /lacks write access/i.test(reason) ? 'no-access' : 'other'
}
