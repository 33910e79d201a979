import { Inputs } from '../shared/constants.js'

/**
 * The defaults action.yml declares, for runners that do not apply them (a unit test keeps the
 * two in step). Inputs whose action.yml default is a `${{ }}` expression are not here: they fall
 * back to the runner's GITHUB_* variables instead.
 */
export const DEFAULTS = {
  [Inputs.AppId]: '',
  [Inputs.AppPrivateKey]: '',
  [Inputs.VersionPattern]: '',
  [Inputs.AllowPrefixChange]: 'false',
  [Inputs.VersionFile]: '',
  [Inputs.Pins]: '',
  [Inputs.CommitSigning]: 'auto',
  [Inputs.ProbePath]: [
    '.github/workflows/publish-image.yml',
    '.gitea/workflows/publish-image.yml',
    '.forgejo/workflows/publish-image.yml'
  ].join('\n'),
  [Inputs.MaxAttempts]: '3',
  [Inputs.Concurrency]: '4',
  [Inputs.DryRun]: 'false',
  [Inputs.FailOnError]: 'true',
  [Inputs.CommitMessage]: 'chore: pin runtime to {version} (publish-runtime cascade)',
  [Inputs.AuthorName]: 'publish-runtime cascade',
  [Inputs.AuthorEmail]: 'publish-runtime-cascade@users.noreply.github.com',
  [Inputs.RetryDelayMs]: '1000',
  [Inputs.RequestTimeoutMs]: '30000',
  [Inputs.GitTimeoutMs]: '300000',
  [Inputs.Mode]: 'push',
  [Inputs.PrBranch]: 'bump/runtime-{version}',
  [Inputs.PrTitle]: 'chore: pin runtime to {version}',
  [Inputs.PrBody]:
    'Pins the runtime to {version} in {version-file}, so this template rebuilds its image against it.\n\nOpened by the publish-runtime cascade; merging it is all that is needed.',
  [Inputs.Downgrade]: 'skip',
  [Inputs.RateLimitWait]: '300',
  [Inputs.Transport]: 'auto',
  [Inputs.PrLabels]: '',
  [Inputs.PrReviewers]: '',
  [Inputs.PrTeamReviewers]: '',
  [Inputs.PrAssignees]: '',
  [Inputs.PrDraft]: 'false',
  [Inputs.AutoMerge]: 'off',
  [Inputs.CloseSuperseded]: 'true',
  [Inputs.ClosedPr]: 'skip',
  [Inputs.Shard]: '',
  [Inputs.MaxBuildsInFlight]: '0',
  [Inputs.BuildsPerMinute]: '0',
  [Inputs.ShardResults]: '',
  [Inputs.RequireConsumer]: 'warn',
  [Inputs.VerifyBuild]: 'false',
  [Inputs.VerifyTimeout]: '300'
} as const
