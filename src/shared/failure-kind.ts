/**
 * Why a template failed, as far as what to do next goes:
 * - transient: the forge or the network failed, a race was lost too often, the run was cut
 *   short (a failing forge, a rate limit, a cancel): a re-run may fix it;
 * - not-found: no such repository (or branch) for this token: check the name;
 * - no-access: the token may read the repository but not write it: give it the right;
 * - not-installed: the GitHub App has no installation on the template's owner: install it there;
 * - protected-branch: the forge's branch protection refused the write: pull-request mode;
 * - downgrade: the template pins a newer version and `downgrade: fail` refused it, as asked;
 * - version-prefix: the version's `v` prefix differs from the template's pin (v1.2.3 over 1.2.2);
 * - signing: `commit-signing: require`, and the pin could only land unsigned;
 * - other: anything else the forge refused or the template holds: it needs a change first.
 */
export type FailureKind =
  | 'transient'
  | 'not-found'
  | 'no-access'
  | 'not-installed'
  | 'protected-branch'
  | 'downgrade'
  | 'version-prefix'
  | 'signing'
  | 'other'
