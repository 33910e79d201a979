import type { Credential } from './credential-input.js'
import type { Pin } from './pins-input.js'
import type { TemplateEntry } from './template-list.js'

export type Mode = 'push' | 'pull-request' | 'check' | 'report'
export type ConsumerRule = 'warn' | 'skip' | 'fail' | 'off'
export type VerifyBuild = 'false' | 'true' | 'require'
export type DowngradePolicy = 'allow' | 'skip' | 'fail'
export type TransportChoice = 'auto' | 'api' | 'git'
/**
 * auto: GitHub API commits carry no author, so GitHub signs them; require: as auto, and a pin
 * that would land unsigned (through git) fails instead; off: the custom author everywhere.
 */
export type Signing = 'auto' | 'require' | 'off'

/** One of `count` stable shares of the template list, `index` from 1. */
export interface Shard {
  index: number
  count: number
}

export type AutoMerge = 'off' | 'merge' | 'squash' | 'rebase'

/** Pull-request mode: the bump branch and its pull request. */
export interface PullRequestSettings {
  /** Branch the pull request comes from, `{version}` replaced. */
  branch: string
  /** Any version's bump branch (the `pr-branch` pattern); null for a rolling branch (no `{version}`). */
  anyVersion: RegExp | null
  title: string
  body: string
  labels: string[]
  reviewers: string[]
  teamReviewers: string[]
  assignees: string[]
  draft: boolean
  autoMerge: AutoMerge
  /** Close the action's own open bump pull requests for other versions. */
  closeSuperseded: boolean
  /** A bump pull request for this version closed without merging: skip the template, or open a new one. */
  afterClosed: 'skip' | 'reopen'
}

export interface Author {
  name: string
  email: string
}

/**
 * Every input, parsed and validated, except the token: that goes only to the two clients that
 * send it (the forge's HTTP transport and the git runner), never through the rest of the code.
 */
export interface Settings {
  version: string
  /** Repositories and sources (org:, topic:) as given; sources are listed after the token check. */
  templates: TemplateEntry[]
  owner: string
  serverUrl: string
  apiUrl: string
  /** Empty: each template's default branch. */
  branch: string
  /** Every place a template pins the runtime; at least one. */
  pins: Pin[]
  signing: Signing
  /** Empty: probe disabled. */
  probePaths: string[]
  maxAttempts: number
  concurrency: number
  dryRun: boolean
  failOnError: boolean
  /** The pin commit's message, `{version}` replaced, ending in the cascade's trailer. */
  commitMessage: string
  author: Author
  retryDelayMs: number
  requestTimeoutMs: number
  gitTimeoutMs: number
  mode: Mode
  /** `shard: i/n`: this run's share of the expanded template list; null: every template. */
  shard: Shard | null
  /** A directory: shard runs write their results file there, `mode: report` reads every one below it. */
  shardResults: string
  pr: PullRequestSettings
  downgrade: DowngradePolicy
  /** Write a version whose `v` prefix differs from a template's pin (v1.2.3 over 1.2.2). */
  allowPrefixChange: boolean
  /** How pins land: the contents API, git, or the API with git where the API cannot serve. */
  transport: TransportChoice
  /** What to do when the template's workflow does not mention the version file. */
  requireConsumer: ConsumerRule
  /** Whether to look for the build each pin started: no, warn when none, fail when none. */
  verifyBuild: VerifyBuild
  verifyTimeoutSeconds: number
  /** Build waves: at most this many of the cascade's builds at once; 0 off. */
  maxBuildsInFlight: number
  /** Pins paced by time, where builds cannot be watched; 0 off. */
  buildsPerMinute: number
  /** How long a rate limit may be waited out (GitHub), in seconds. */
  rateLimitWaitSeconds: number
}

export interface ActionInputs {
  credential: Credential
  settings: Settings
  /** What the log should warn about the inputs (an input the action does not have). */
  warnings: string[]
}
