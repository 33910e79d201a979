import type { TemplateResult } from '../pipeline/template-result.js'
import type { FailureKind } from '../shared/failure-kind.js'

export type { FailureKind }

/** Which forge the run talked to, where the advice differs (unknown: a report merging shards). */
export type AdviceForge = 'github' | 'gitea' | undefined

export function failureKind(r: TemplateResult): FailureKind {
  return r.failure ?? 'other'
}

/**
 * The right a token needs to pin, per forge: Gitea/Forgejo check the user's permission on the
 * repository and the token's scope (write:repository, since 1.19); GitHub the fine-grained or
 * App permission "Contents" (and "Pull requests" to open one), or a classic token's `repo` scope.
 */
function writeRight(forge: AdviceForge): string {
  const gitea =
    "on Gitea or Forgejo, the token's user needs Write on the repository (as a collaborator or through a team) and the token the write:repository scope"
  const github =
    'on GitHub, the token needs Contents: read and write (a fine-grained token or GitHub App; Pull requests: read and write too in pull-request mode), or a classic token the repo scope'
  if (forge === 'gitea') return gitea
  if (forge === 'github') return github
  return `${gitea}; ${github}`
}

/** What to do about `count` failures of this kind, for the log, the summary and the step's error. */
export function advice(kind: FailureKind, count = 2, forge?: AdviceForge): string {
  const them = count === 1 ? 'it' : 'them'
  const their = count === 1 ? 'its' : 'their'
  switch (kind) {
    case 'transient':
      return `re-run ${them}: the failure was the forge, the network or a race, and may pass`
    case 'not-found':
      return 'check the name: the forge has no such repository or branch, or the token cannot see it'
    case 'no-access':
      return `the token may read but not write ${them}: ${writeRight(forge)}`
    case 'not-installed':
      return `the GitHub App is not installed on ${their} owner: install it there (on all repositories, or on these), then re-run ${them}`
    case 'protected-branch':
      return `the branch is protected (the forge refused the write for its branch protection): use \`mode: pull-request\` for ${them}`
    case 'downgrade':
      return `${count === 1 ? 'it pins' : 'they pin'} a newer version and \`downgrade: fail\` refused it, as asked: set \`downgrade: allow\` to write the older one`
    case 'version-prefix':
      return `the version's "v" prefix differs from ${their} pin: pass the version as the pins spell it, or set \`allow-prefix-change: true\` if the change is meant`
    case 'signing':
      return `\`commit-signing: require\`, and the forge did not sign ${count === 1 ? 'this pin' : 'these pins'} (or only git could land ${count === 1 ? 'it' : 'them'}, and a push is never signed): on github.com a GitHub App's token is signed and a user's is not; GitHub Enterprise Server signs no API commit; Gitea and Forgejo only with a signing key`
    case 'other':
      return 'a re-run alone will not help: see each reason, fix it, then re-run'
  }
}

/** The failed templates grouped by kind, in a fixed order: what a re-run may fix first. */
export function failuresByKind(results: readonly TemplateResult[]): Array<[FailureKind, string[]]> {
  const order: FailureKind[] = [
    'transient',
    'protected-branch',
    'no-access',
    'not-installed',
    'not-found',
    'version-prefix',
    'downgrade',
    'signing',
    'other'
  ]
  const failed = results.filter((r) => r.status === 'failed')
  return order
    .map((kind): [FailureKind, string[]] => [
      kind,
      failed.filter((r) => failureKind(r) === kind).map((r) => r.template)
    ])
    .filter(([, names]) => names.length > 0)
}
