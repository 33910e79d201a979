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
