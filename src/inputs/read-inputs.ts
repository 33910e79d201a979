import * as core from '@actions/core'
import { Inputs, type InputName } from '../shared/constants.js'
import { InputError } from '../shared/errors.js'
import { DEFAULTS } from './defaults.js'
import { baseUrl, boolean, choice, input, integer, raw, repoPath, validBranch } from './input-values.js'
import { markedMessage } from '../shared/commit-marker.js'
import { parsePins, pinPaths, type Pin } from './pins-input.js'
import type { ActionInputs, Settings } from './settings.js'
import { resolveTemplates, splitTemplateList } from './template-list.js'
import { readTemplatesFile } from './templates-file.js'
import { checkVersion, versionShape } from './version-rule.js'
import { readCredential } from './credential-input.js'
import { unknownInputs, type UnknownInput } from './unknown-inputs.js'

/** `templates` or `templates-file`: exactly one of them. */
function templateWords(): string[] {
  const inline = raw(Inputs.Templates)
  const file = raw(Inputs.TemplatesFile).trim()
  if (inline.trim() && file) {
    throw new InputError(
      'templates and templates-file are both set: use one of them, so there is one list of templates'
    )
  }
  if (file) return readTemplatesFile(file, process.env.GITHUB_WORKSPACE || process.cwd())
  return splitTemplateList(inline)
}

// An explicitly empty probe-path disables the probe; a runner always sets INPUT_PROBE-PATH (to the
// action.yml default when the workflow leaves it out), so only a missing variable means "default".
function probePaths(): string[] {
  const unset = process.env[`INPUT_${Inputs.ProbePath.toUpperCase()}`] === undefined
  const text = unset ? DEFAULTS[Inputs.ProbePath] : core.getInput(Inputs.ProbePath)
  return text
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => repoPath(Inputs.ProbePath, p))
}

/** `pins`, or `version-file` as the one-pin shorthand (the default: .runtime-version). */
function readPins(): Pin[] {
  const listed = raw(Inputs.Pins)
  const file = raw(Inputs.VersionFile).trim()
  if (listed.trim() && file)
    throw new InputError('pins and version-file are both set: list the version file in pins, so there is one list')
  if (!listed.trim()) return [{ kind: 'file', path: repoPath(Inputs.VersionFile, file || '.runtime-version') }]
  const pins = parsePins(listed)
  if (pins.length === 0) throw new InputError('pins: no pin listed')
  return pins
}

/**
 * Inputs the workflow gave that the action does not have: a misspelling of one that changes
 * what is written throws (nothing may be written as if it had not been given); the rest are
 * warnings, returned for the log.
 */
function strayInputs(): string[] {
  const stray = unknownInputs(process.env)
  const said = (u: UnknownInput) =>
    `${u.name} is not an input of this action${u.nearest ? `: did you mean ${u.nearest}?` : ''}`
  const blocking = stray.filter((u) => u.blocks)
  if (blocking.length > 0)
    throw new InputError(
      `${blocking.map(said).join('; ')} ${blocking.length === 1 ? 'It changes' : 'They change'} what is written, ` +
        "so nothing was done: correct the name in the step's with:"
    )
  return stray.map((u) => `${said(u)} It was ignored.`)
}

/** Every input parsed and validated before any network call; the first bad one throws. */
export function readInputs(): ActionInputs {
  const warnings = strayInputs()
  // The report job merges files the shards wrote: it needs neither a token nor templates.
  const report = input(Inputs.Mode).trim() === 'report'
  const apiUrl = baseUrl(Inputs.ApiUrl, 'GITHUB_API_URL')
  const credential = readCredential(report, apiUrl)
  const version = readVersion()
  const owner = (raw(Inputs.Owner) || process.env.GITHUB_REPOSITORY_OWNER || '').trim()
  const serverUrl = baseUrl(Inputs.ServerUrl, 'GITHUB_SERVER_URL')
  const templates = report ? [] : resolveTemplates(templateWords(), owner, serverUrl)
  const where = readBranches(version)
  const pins = readPins()
  const settings: Settings = {
    version,
    templates,
    owner,
    serverUrl,
    apiUrl,
    ...where,
    pins,
    ...readCommit(version),
    probePaths: probePaths(),
    maxAttempts: integer(Inputs.MaxAttempts, 1, 10),
    concurrency: integer(Inputs.Concurrency, 1, 32),
    dryRun: boolean(Inputs.DryRun),
    failOnError: boolean(Inputs.FailOnError),
    retryDelayMs: integer(Inputs.RetryDelayMs, 0, 60000),
    requestTimeoutMs: integer(Inputs.RequestTimeoutMs, 100, 600000),
    gitTimeoutMs: integer(Inputs.GitTimeoutMs, 1000, 3600000),
    pr: readPullRequest(version, where.prBranch, pins),
    downgrade: choice(Inputs.Downgrade, ['skip', 'fail', 'allow'] as const),
    allowPrefixChange: boolean(Inputs.AllowPrefixChange),
    rateLimitWaitSeconds: integer(Inputs.RateLimitWait, 0, 3600),
    requireConsumer: choice(Inputs.RequireConsumer, ['warn', 'skip', 'fail', 'off'] as const),
    verifyBuild: choice(Inputs.VerifyBuild, ['false', 'true', 'require'] as const),
    verifyTimeoutSeconds: integer(Inputs.VerifyTimeout, 1, 3600),
    maxBuildsInFlight: integer(Inputs.MaxBuildsInFlight, 0, 1000),
    buildsPerMinute: integer(Inputs.BuildsPerMinute, 0, 600),
    ...readShards(report)
  }
  checkBuildPacing(settings)
  return { credential, warnings, settings }
}

/**
 * max-builds-in-flight and builds-per-minute pace what starts default-branch builds: pushes, and
 * in pull-request mode the merges auto-merge makes. Without auto-merge a pull-request run merges
 * nothing, and the inputs would be ignored: refused instead, never skipped silently.
 */
function checkBuildPacing(settings: Settings): void {
  if (settings.maxBuildsInFlight === 0 && settings.buildsPerMinute === 0) return
  const name = settings.maxBuildsInFlight > 0 ? Inputs.MaxBuildsInFlight : Inputs.BuildsPerMinute
  if (settings.mode === 'check')
    throw new InputError(`${name}: check mode writes nothing, so it starts no build to pace: leave it out`)
  if (settings.mode === 'pull-request' && settings.pr.autoMerge === 'off')
    throw new InputError(
      `${name}: in pull-request mode without auto-merge the run merges nothing, so it starts no ` +
        'default-branch build to pace: set auto-merge (the merges are then paced like pushes), or leave it out'
    )
}

/** `shard: i/n` and `shard-results`; `mode: report` needs the directory and takes no shard. */
function readShards(report: boolean): Pick<Settings, 'shard' | 'shardResults'> {
  const text = input(Inputs.Shard).trim()
  const shardResults = input(Inputs.ShardResults).trim()
  if (report && !shardResults)
    throw new InputError("shard-results: mode report reads the shards' results from it: give the directory")
  if (!text) return { shard: null, shardResults }
  if (report) throw new InputError('shard: mode report merges every shard; give shard only to the shard runs')
  const m = /^(\d{1,3})\/(\d{1,3})$/.exec(text)
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0]
  if (!m || count < 1 || count > 256 || index < 1 || index > count)
    throw new InputError(`shard: "${text}" is not i/n (1 <= i <= n <= 256), such as 2/3`)
  return { shard: { index, count }, shardResults }
}

function readVersion(): string {
  return checkVersion(raw(Inputs.Version).trim(), versionShape(input(Inputs.VersionPattern)))
}

const withVersion = (text: string, version: string) => text.split('{version}').join(version)

/** The branch to pin, the mode, and in pull-request mode the bump branch. */
function readBranches(version: string): Pick<Settings, 'branch' | 'mode'> & { prBranch: string } {
  const branch = raw(Inputs.Branch).trim()
  if (branch && !validBranch(branch)) throw new InputError(`branch: "${branch}" is not a valid branch name`)
  const mode = choice(Inputs.Mode, ['push', 'pull-request', 'check', 'report'] as const)
  const prBranch = withVersion(input(Inputs.PrBranch).trim(), version)
  if (mode === 'pull-request' && !validBranch(prBranch)) {
    throw new InputError(`pr-branch: "${prBranch}" is not a valid branch name`)
  }
  if (mode === 'pull-request' && branch && branch === prBranch) {
    throw new InputError("pr-branch: must differ from branch, the pull request's base")
  }
  return { branch, mode, prBranch }
}

function readPullRequest(version: string, branch: string, pins: Pin[]): Settings['pr'] {
  const template = input(Inputs.PrBranch).trim()
  const teamReviewers = names(Inputs.PrTeamReviewers)
  const team = teamReviewers.find((t) => t.includes('/'))
  if (team) throw new InputError(`pr-team-reviewers: "${team}": give the team's slug, without the organisation`)
  return {
    branch,
    anyVersion: template.includes('{version}') ? branchPattern(template) : null,
    title: withVersion(input(Inputs.PrTitle), version).trim() || `chore: pin runtime to ${version}`,
    // {version-file} names the pins' files, so the default body is right whatever is pinned.
    body: withVersion(input(Inputs.PrBody), version).split('{version-file}').join(pinPaths(pins).join(', ')),
    labels: names(Inputs.PrLabels),
    reviewers: names(Inputs.PrReviewers),
    teamReviewers,
    assignees: names(Inputs.PrAssignees),
    ...draftAndMerge(),
    closeSuperseded: boolean(Inputs.CloseSuperseded),
    afterClosed: choice(Inputs.ClosedPr, ['skip', 'reopen'] as const)
  }
}

/**
 * pr-draft and auto-merge contradict each other on every forge: Gitea and Forgejo refuse to
 * merge a work-in-progress pull request (405 "Work in progress PRs cannot be merged",
 * routers/api/v1/repo/pull.go MergePullRequest), GitHub a draft (405 "Pull Request is still a
 * draft"). Said before any request, instead of a refusal per template.
 */
function draftAndMerge(): Pick<Settings['pr'], 'draft' | 'autoMerge'> {
  const draft = boolean(Inputs.PrDraft)
  const autoMerge = choice(Inputs.AutoMerge, ['off', 'merge', 'squash', 'rebase'] as const)
  if (draft && autoMerge !== 'off')
    throw new InputError(
      'pr-draft and auto-merge cannot go together: no forge merges a draft (Gitea and Forgejo refuse a work-in-progress pull request, GitHub one still a draft); drop one of them'
    )
  return { draft, autoMerge }
}

/** A list input: names separated by newlines, commas or spaces. */
const names = (name: InputName): string[] =>
  input(name)
    .split(/[\s,]+/)
    .map((n) => n.trim())
    .filter(Boolean)

/** `bump/runtime-{version}` as a pattern that matches the bump branch of any version. */
function branchPattern(template: string): RegExp {
  const [before, ...after] = template.split('{version}').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  return new RegExp(`^${before}[0-9A-Za-z][0-9A-Za-z.+_-]*${after.join('[0-9A-Za-z.+_-]+')}$`)
}

/** How the pin commit is made: transport, signing, message (with the trailer) and author. */
function readCommit(version: string): Pick<Settings, 'transport' | 'signing' | 'commitMessage' | 'author'> {
  const transport = choice(Inputs.Transport, ['auto', 'api', 'git'] as const)
  const signing = choice(Inputs.CommitSigning, ['auto', 'require', 'off'] as const)
  if (signing === 'require' && transport === 'git')
    throw new InputError(
      'commit-signing: require cannot hold with transport: git (a push is never signed by the forge)'
    )
  const commitMessage = input(Inputs.CommitMessage)
  if (!commitMessage.trim()) throw new InputError('commit-message: empty')
  const name = input(Inputs.AuthorName).trim()
  const email = input(Inputs.AuthorEmail).trim()
  if (!name || /[<>\n]/.test(name)) throw new InputError(`author-name: "${name}" is not a name`)
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(email)) throw new InputError(`author-email: "${email}" is not an email address`)
  return {
    transport,
    signing,
    commitMessage: markedMessage(withVersion(commitMessage, version), version),
    author: { name, email }
  }
}
