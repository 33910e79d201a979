import * as core from '@actions/core'
import { InputError } from '../shared/errors.js'
import { DEFAULTS } from './defaults.js'
import { baseUrl, boolean, choice, input, integer, raw, repoPath, validBranch } from './input-values.js'
import { markedMessage } from '../shared/commit-marker.js'
import { parsePins, pinPaths, type Pin } from './pins-input.js'
import type { ActionInputs, Settings } from './settings.js'
import { resolveTemplates, splitTemplateList } from './template-list.js'
import { readTemplatesFile } from './templates-file.js'

const TOKEN_HELP =
  'token: required. Pass a token with write access to every template (for example ' +
  "`token: ${{ secrets.CASCADE_TOKEN }}`). The runner's own token will not do: it cannot push " +
  'to other repositories, and on GitHub the pushes it makes start no workflows, so no template ' +
  'would rebuild.'

// Semver and PEP 440 both fit; whitespace, '/', quotes and shell metacharacters do not.
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,127}$/

/** `templates` or `templates-file`: exactly one of them. */
function templateWords(): string[] {
  const inline = raw('templates')
  const file = raw('templates-file').trim()
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
  const unset = process.env['INPUT_PROBE-PATH'] === undefined
  const text = unset ? DEFAULTS['probe-path'] : core.getInput('probe-path')
  return text
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => repoPath('probe-path', p))
}

/** `pins`, or `version-file` as the one-pin shorthand (the default: .runtime-version). */
function readPins(): Pin[] {
  const listed = raw('pins')
  const file = raw('version-file').trim()
  if (listed.trim() && file)
    throw new InputError('pins and version-file are both set: list the version file in pins, so there is one list')
  if (!listed.trim()) return [{ kind: 'file', path: repoPath('version-file', file || '.runtime-version') }]
  const pins = parsePins(listed)
  if (pins.length === 0) throw new InputError('pins: no pin listed')
  return pins
}

/** Every input parsed and validated before any network call; the first bad one throws. */
export function readInputs(): ActionInputs {
  const token = raw('token').trim()
  if (!token) throw new InputError(TOKEN_HELP)
  if (/\s/.test(token)) throw new InputError('token: contains whitespace; check how the secret was stored')
  const version = readVersion()
  const owner = (raw('owner') || process.env.GITHUB_REPOSITORY_OWNER || '').trim()
  const serverUrl = baseUrl('server-url', 'GITHUB_SERVER_URL')
  const templates = resolveTemplates(templateWords(), owner, serverUrl)
  const where = readBranches(version)
  const pins = readPins()
  return {
    token,
    settings: {
      version,
      templates,
      owner,
      serverUrl,
      apiUrl: baseUrl('api-url', 'GITHUB_API_URL'),
      ...where,
      pins,
      ...readCommit(version),
      probePaths: probePaths(),
      maxAttempts: integer('max-attempts', 1, 10),
      concurrency: integer('concurrency', 1, 32),
      dryRun: boolean('dry-run'),
      failOnError: boolean('fail-on-error'),
      retryDelayMs: integer('retry-delay-ms', 0, 60000),
      requestTimeoutMs: integer('request-timeout-ms', 100, 600000),
      gitTimeoutMs: integer('git-timeout-ms', 1000, 3600000),
      pr: readPullRequest(version, where.prBranch, pins),
      downgrade: choice('downgrade', ['allow', 'skip', 'fail'] as const),
      rateLimitWaitSeconds: integer('rate-limit-wait', 0, 3600),
      requireConsumer: choice('require-consumer', ['warn', 'skip', 'fail', 'off'] as const),
      verifyBuild: choice('verify-build', ['false', 'true', 'require'] as const),
      verifyTimeoutSeconds: integer('verify-timeout', 1, 3600)
    }
  }
}

function readVersion(): string {
  const version = raw('version').trim()
  if (!VERSION.test(version)) {
    throw new InputError(
      `version: "${version}" is not a version: use 1 to 128 characters of letters, digits and . + _ -, ` +
        'starting with a letter or digit'
    )
  }
  return version
}

const withVersion = (text: string, version: string) => text.split('{version}').join(version)

/** The branch to pin, the mode, and in pull-request mode the bump branch. */
function readBranches(version: string): Pick<Settings, 'branch' | 'mode'> & { prBranch: string } {
  const branch = raw('branch').trim()
  if (branch && !validBranch(branch)) throw new InputError(`branch: "${branch}" is not a valid branch name`)
  const mode = choice('mode', ['push', 'pull-request', 'check'] as const)
  const prBranch = withVersion(input('pr-branch').trim(), version)
  if (mode === 'pull-request' && !validBranch(prBranch)) {
    throw new InputError(`pr-branch: "${prBranch}" is not a valid branch name`)
  }
  if (mode === 'pull-request' && branch && branch === prBranch) {
    throw new InputError("pr-branch: must differ from branch, the pull request's base")
  }
  return { branch, mode, prBranch }
}

function readPullRequest(version: string, branch: string, pins: Pin[]): Settings['pr'] {
  const template = input('pr-branch').trim()
  const teamReviewers = names('pr-team-reviewers')
  const team = teamReviewers.find((t) => t.includes('/'))
  if (team) throw new InputError(`pr-team-reviewers: "${team}": give the team's slug, without the organisation`)
  return {
    branch,
    anyVersion: template.includes('{version}') ? branchPattern(template) : null,
    title: withVersion(input('pr-title'), version).trim() || `chore: pin runtime to ${version}`,
    // {version-file} names the pins' files, so the default body is right whatever is pinned.
    body: withVersion(input('pr-body'), version).split('{version-file}').join(pinPaths(pins).join(', ')),
    labels: names('pr-labels'),
    reviewers: names('pr-reviewers'),
    teamReviewers,
    assignees: names('pr-assignees'),
    draft: boolean('pr-draft'),
    autoMerge: choice('auto-merge', ['off', 'merge', 'squash', 'rebase'] as const),
    closeSuperseded: boolean('close-superseded'),
    afterClosed: choice('closed-pr', ['skip', 'reopen'] as const)
  }
}

/** A list input: names separated by newlines, commas or spaces. */
const names = (name: string): string[] =>
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
  const transport = choice('transport', ['auto', 'api', 'git'] as const)
  const signing = choice('commit-signing', ['auto', 'require', 'off'] as const)
  if (signing === 'require' && transport === 'git')
    throw new InputError(
      'commit-signing: require cannot hold with transport: git (a push is never signed by the forge)'
    )
  const commitMessage = input('commit-message')
  if (!commitMessage.trim()) throw new InputError('commit-message: empty')
  const name = input('author-name').trim()
  const email = input('author-email').trim()
  if (!name || /[<>\n]/.test(name)) throw new InputError(`author-name: "${name}" is not a name`)
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(email)) throw new InputError(`author-email: "${email}" is not an email address`)
  return {
    transport,
    signing,
    commitMessage: markedMessage(withVersion(commitMessage, version), version),
    author: { name, email }
  }
}
