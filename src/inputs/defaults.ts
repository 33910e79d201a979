/**
 * The defaults action.yml declares, for runners that do not apply them (a unit test keeps the
 * two in step). Inputs whose action.yml default is a `${{ }}` expression are not here: they fall
 * back to the runner's GITHUB_* variables instead.
 */
export const DEFAULTS = {
  'version-file': '',
  pins: '',
  'commit-signing': 'auto',
  'probe-path': [
    '.github/workflows/publish-image.yml',
    '.gitea/workflows/publish-image.yml',
    '.forgejo/workflows/publish-image.yml'
  ].join('\n'),
  'max-attempts': '3',
  concurrency: '4',
  'dry-run': 'false',
  'fail-on-error': 'true',
  'commit-message': 'chore: pin runtime to {version} (publish-runtime cascade)',
  'author-name': 'publish-runtime cascade',
  'author-email': 'publish-runtime-cascade@users.noreply.github.com',
  'retry-delay-ms': '1000',
  'request-timeout-ms': '30000',
  'git-timeout-ms': '300000',
  mode: 'push',
  'pr-branch': 'bump/runtime-{version}',
  'pr-title': 'chore: pin runtime to {version}',
  'pr-body':
    'Pins the runtime to {version} in {version-file}, so this template rebuilds its image against it.\n\nOpened by the publish-runtime cascade; merging it is all that is needed.',
  downgrade: 'allow',
  'rate-limit-wait': '300',
  transport: 'auto',
  'pr-labels': '',
  'pr-reviewers': '',
  'pr-team-reviewers': '',
  'pr-assignees': '',
  'pr-draft': 'false',
  'auto-merge': 'off',
  'close-superseded': 'true',
  'closed-pr': 'skip',
  'require-consumer': 'warn',
  'verify-build': 'false',
  'verify-timeout': '300'
} as const
