import * as core from '@actions/core'
import { InputError } from './errors.js'
import { resolveTemplates, splitTemplateList, type TemplateRef } from './template-list.js'
import { readTemplatesFile } from './templates-file.js'

export interface Inputs {
  version: string
  templates: TemplateRef[]
  token: string
  owner: string
  serverUrl: string
  apiUrl: string
  /** Empty: each template's default branch. */
  branch: string
  versionFile: string
  /** Empty: probe disabled. */
  probePaths: string[]
  maxAttempts: number
  concurrency: number
  dryRun: boolean
  failOnError: boolean
  commitMessage: string
  authorName: string
  authorEmail: string
  retryDelayMs: number
  requestTimeoutMs: number
  gitTimeoutMs: number
  mode: 'push' | 'pull-request'
  /** Branch the pull request comes from, `{version}` replaced. */
  prBranch: string
  prTitle: string
  prBody: string
  downgrade: 'allow' | 'skip' | 'fail'
}

/** Mirrors action.yml (a unit test keeps the two in step) for runs that do not apply defaults. */
export const DEFAULTS = {
  'version-file': '.runtime-version',
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
    'Pins the runtime to {version} in .runtime-version, so this template rebuilds its image against it.\n\nOpened by the publish-runtime cascade; merging it is all that is needed.',
  downgrade: 'allow'
} as const

const TOKEN_HELP =
  'token: required. Pass a token with write access to every template (for example ' +
  "`token: ${{ secrets.CASCADE_TOKEN }}`). The runner's own token will not do: it cannot push " +
  'to other repositories, and on GitHub the pushes it makes start no workflows, so no template ' +
  'would rebuild.'

// Semver and PEP 440 both fit; whitespace, '/', quotes and shell metacharacters do not.
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,127}$/

function input(name: string): string {
  const value = core.getInput(name)
  if (value !== '') return value
  return (DEFAULTS as Record<string, string>)[name] ?? ''
}

function integer(name: string, min: number, max: number): number {
  const raw = input(name).trim()
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new InputError(`${name}: "${raw}" is not a whole number from ${min} to ${max}`)
  }
  return value
}

function boolean(name: string): boolean {
  const raw = input(name).trim()
  if (/^(true|True|TRUE)$/.test(raw)) return true
  if (/^(false|False|FALSE)$/.test(raw)) return false
  throw new InputError(`${name}: "${raw}" is not true or false`)
}

function choice<T extends string>(name: string, options: readonly T[]): T {
  const raw = input(name).trim()
  if (!(options as readonly string[]).includes(raw))
    throw new InputError(`${name}: "${raw}" is not one of ${options.join(', ')}`)
  return raw as T
}

/** `templates` or `templates-file`: exactly one of them. */
function templateWords(): string[] {
  const inline = core.getInput('templates')
  const file = core.getInput('templates-file').trim()
  if (inline.trim() && file) {
    throw new InputError(
      'templates and templates-file are both set: use one of them, so there is one list of templates'
    )
  }
  if (file) return readTemplatesFile(file, process.env.GITHUB_WORKSPACE || process.cwd())
  return splitTemplateList(inline)
}

function baseUrl(name: string, fallbackEnv: string): string {
  const raw = (core.getInput(name) || process.env[fallbackEnv] || '').trim()
  if (!raw) throw new InputError(`${name}: empty, and ${fallbackEnv} is not set`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(`${name}: "${raw}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${name}: "${raw}" is not an http(s) URL`)
  }
  // Credentials in a URL end up in logs and process listings; the token input is the only way in.
  if (url.username || url.password) {
    throw new InputError(`${name}: must not contain credentials; pass them through the token input`)
  }
  if (url.search || url.hash) throw new InputError(`${name}: "${raw}" must not have a query or fragment`)
  return url.toString().replace(/\/+$/, '')
}

/** A path inside the repository, as git and the contents API both take it. */
export function repoPath(name: string, raw: string): string {
  const path = raw.trim()
  const segments = path.split('/')
  const bad =
    path.length === 0 ||
    path.length > 255 ||
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    /[\x00-\x1f\x7f\\"]/.test(path) ||
    segments.some((s) => s === '' || s === '.' || s === '..') ||
    segments[0].toLowerCase() === '.git'
  if (bad) throw new InputError(`${name}: "${raw}" is not a relative file path inside the repository`)
  return path
}

// An explicitly empty probe-path disables the probe; a runner always sets INPUT_PROBE-PATH (to the
// action.yml default when the workflow leaves it out), so only a missing variable means "default".
function probePaths(): string[] {
  const unset = process.env['INPUT_PROBE-PATH'] === undefined
  const raw = unset ? DEFAULTS['probe-path'] : core.getInput('probe-path')
  return raw
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => repoPath('probe-path', p))
}

function validBranch(name: string): boolean {
  return /^[A-Za-z0-9._/+-]{1,200}$/.test(name) && !/\.\.|\/\/|^[-/.]|[/.]$|\.lock$|@\{/.test(name)
}

export function readInputs(): Inputs {
  const token = core.getInput('token')
  if (!token.trim()) throw new InputError(TOKEN_HELP)
  if (/\s/.test(token.trim())) throw new InputError('token: contains whitespace; check how the secret was stored')

  const version = core.getInput('version').trim()
  if (!VERSION.test(version)) {
    throw new InputError(
      `version: "${version}" is not a version: use 1 to 128 characters of letters, digits and . + _ -, ` +
        'starting with a letter or digit'
    )
  }

  const owner = (core.getInput('owner') || process.env.GITHUB_REPOSITORY_OWNER || '').trim()
  const templates = resolveTemplates(templateWords(), owner)

  const branch = core.getInput('branch').trim()
  if (branch && !validBranch(branch)) throw new InputError(`branch: "${branch}" is not a valid branch name`)

  const mode = choice('mode', ['push', 'pull-request'] as const)
  const prBranch = input('pr-branch').trim().split('{version}').join(version)
  if (mode === 'pull-request' && !validBranch(prBranch))
    throw new InputError(`pr-branch: "${prBranch}" is not a valid branch name`)
  if (mode === 'pull-request' && branch && branch === prBranch)
    throw new InputError("pr-branch: must differ from branch, the pull request's base")

  const commitMessage = input('commit-message')
  if (!commitMessage.trim()) throw new InputError('commit-message: empty')
  const authorName = input('author-name').trim()
  const authorEmail = input('author-email').trim()
  if (!authorName || /[<>\n]/.test(authorName)) throw new InputError(`author-name: "${authorName}" is not a name`)
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(authorEmail)) {
    throw new InputError(`author-email: "${authorEmail}" is not an email address`)
  }

  return {
    version,
    templates,
    token: token.trim(),
    owner,
    serverUrl: baseUrl('server-url', 'GITHUB_SERVER_URL'),
    apiUrl: baseUrl('api-url', 'GITHUB_API_URL'),
    branch,
    versionFile: repoPath('version-file', input('version-file')),
    probePaths: probePaths(),
    maxAttempts: integer('max-attempts', 1, 10),
    concurrency: integer('concurrency', 1, 32),
    dryRun: boolean('dry-run'),
    failOnError: boolean('fail-on-error'),
    commitMessage: commitMessage.split('{version}').join(version),
    authorName,
    authorEmail,
    retryDelayMs: integer('retry-delay-ms', 0, 60000),
    requestTimeoutMs: integer('request-timeout-ms', 100, 600000),
    gitTimeoutMs: integer('git-timeout-ms', 1000, 3600000),
    mode,
    prBranch,
    prTitle: input('pr-title').split('{version}').join(version).trim() || `chore: pin runtime to ${version}`,
    prBody: input('pr-body').split('{version}').join(version),
    downgrade: choice('downgrade', ['allow', 'skip', 'fail'] as const)
  }
}
