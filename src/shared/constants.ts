/**
 * Every input and output name of the action, in one place (as actions/cache keeps them): the
 * code reads them from here, and a unit test holds this list to action.yml, so a name cannot drift.
 */
export const Inputs = {
  Version: 'version',
  VersionPattern: 'version-pattern',
  AllowPrefixChange: 'allow-prefix-change',
  Templates: 'templates',
  TemplatesFile: 'templates-file',
  Token: 'token',
  AppId: 'app-id',
  AppPrivateKey: 'app-private-key',
  Owner: 'owner',
  ServerUrl: 'server-url',
  ApiUrl: 'api-url',
  Branch: 'branch',
  VersionFile: 'version-file',
  Pins: 'pins',
  CommitSigning: 'commit-signing',
  ProbePath: 'probe-path',
  MaxAttempts: 'max-attempts',
  Concurrency: 'concurrency',
  DryRun: 'dry-run',
  FailOnError: 'fail-on-error',
  CommitMessage: 'commit-message',
  AuthorName: 'author-name',
  AuthorEmail: 'author-email',
  RetryDelayMs: 'retry-delay-ms',
  RequestTimeoutMs: 'request-timeout-ms',
  GitTimeoutMs: 'git-timeout-ms',
  Mode: 'mode',
  PrBranch: 'pr-branch',
  PrTitle: 'pr-title',
  PrBody: 'pr-body',
  MaxBuildsInFlight: 'max-builds-in-flight',
  BuildsPerMinute: 'builds-per-minute',
  Shard: 'shard',
  ShardResults: 'shard-results',
  PrLabels: 'pr-labels',
  PrReviewers: 'pr-reviewers',
  PrTeamReviewers: 'pr-team-reviewers',
  PrAssignees: 'pr-assignees',
  PrDraft: 'pr-draft',
  AutoMerge: 'auto-merge',
  CloseSuperseded: 'close-superseded',
  ClosedPr: 'closed-pr',
  Downgrade: 'downgrade',
  Transport: 'transport',
  RequireConsumer: 'require-consumer',
  VerifyBuild: 'verify-build',
  VerifyTimeout: 'verify-timeout',
  RateLimitWait: 'rate-limit-wait'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]

export const Outputs = {
  FailedTemplates: 'failed-templates',
  RetryableTemplates: 'retryable-templates',
  UpdatedTemplates: 'updated-templates',
  UnchangedTemplates: 'unchanged-templates',
  LaggingTemplates: 'lagging-templates',
  SkippedTemplates: 'skipped-templates',
  Results: 'results',
  Builds: 'builds',
  PullRequests: 'pull-requests'
} as const
