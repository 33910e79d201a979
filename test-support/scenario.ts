import type { RequestRecord, TestForge } from './forge/forge.js'
import { PUBLISH_WORKFLOW, WORKFLOW_TEXT, type RepoOptions } from './forge/repo-store.js'
import { GRAPHQL_PATH } from './forge/requests.js'

export const OWNER = 'acme'

/** The subject of the pin commit for 1.2.3 (the version inputsFor gives) with the default message. */
export const PIN = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'

/** A template with publish-image.yml (unless `workflow: false`) pinned to `pin` (unless null). */
export async function template(
  forge: TestForge,
  name: string,
  options: RepoOptions & { pin?: string | null; workflow?: boolean | string } = {}
): Promise<string> {
  const { pin = '0.1.0', workflow = true, files = {}, ...rest } = options
  const seed: Record<string, string> = { 'README.md': `# ${name}\n`, ...files }
  if (workflow) seed[typeof workflow === 'string' ? workflow : PUBLISH_WORKFLOW] = WORKFLOW_TEXT
  if (pin !== null) seed['.runtime-version'] = `${pin}\n`
  const fullName = name.includes('/') ? name : `${OWNER}/${name}`
  await forge.createRepo(fullName, { ...rest, files: seed })
  return fullName
}

export function inputsFor(
  forge: TestForge,
  templates: string,
  extra: Record<string, string> = {}
): Record<string, string> {
  return {
    version: '1.2.3',
    templates,
    token: forge.token,
    owner: OWNER,
    'server-url': forge.url,
    'api-url': forge.apiUrl,
    'retry-delay-ms': '20',
    ...extra
  }
}

/** `%an <%ae>|%s` per commit on the branch, newest first. */
export async function history(forge: TestForge, fullName: string, branch?: string): Promise<string[]> {
  const meta = forge.repo(fullName)
  const out = await forge.store.git(meta.dir, ['log', '--format=%an <%ae>|%cn|%s', branch ?? meta.defaultBranch!])
  return out.trim().split('\n')
}

export async function fileAt(
  forge: TestForge,
  fullName: string,
  path: string,
  branch?: string
): Promise<string | null> {
  const meta = forge.repo(fullName)
  try {
    return await forge.store.git(meta.dir, ['show', `${branch ?? meta.defaultBranch}:${path}`])
  } catch {
    return null
  }
}

export function gitRequests(forge: TestForge, fullName?: string): number {
  return forge.count({ kind: 'git', repo: fullName })
}

/** One element of the `results` output. */
export interface ResultRow {
  template: string
  status: string
  reason: string
  commit: string | null
  branch: string | null
  attempts: number
  files: string[]
  verified: boolean | null
}

export function resultsOf(outputs: Record<string, string>): ResultRow[] {
  return JSON.parse(outputs.results ?? '[]')
}

/** The result of one template of a run: `name` under acme, or owner/name. */
export function resultFor(run: { outputs: Record<string, string> }, name: string): ResultRow {
  const fullName = name.includes('/') ? name : `${OWNER}/${name}`
  const found = resultsOf(run.outputs).find((r) => r.template === fullName)
  if (!found) throw new Error(`no result for ${fullName}`)
  return found
}

/** The subjects of a branch's commits, newest first. */
export async function subjects(forge: TestForge, fullName: string, branch?: string): Promise<string[]> {
  return (await history(forge, fullName, branch)).map((l) => l.split('|')[2])
}

/** The annotations a run printed, `::error` or `::warning` lines. */
export function annotations(stdout: string, kind: 'error' | 'warning'): string[] {
  return stdout.split('\n').filter((l) => l.startsWith(`::${kind}`))
}

/**
 * API requests that write (every method but GET), optionally for one repository and on paths
 * that match (`/\/contents\//` for the contents writes alone).
 */
/** API requests that change something: not GETs, and not GraphQL queries (a POST that only reads). */
export function apiWrites(forge: TestForge, repo?: string, path?: RegExp): RequestRecord[] {
  return forge.requests.filter(
    (r) =>
      r.kind === 'api' &&
      r.method !== 'GET' &&
      !isGraphqlQuery(r) &&
      (!repo || r.repo === repo) &&
      (!path || path.test(r.path))
  )
}

/** A GraphQL request that asks, not a mutation (the look-up batches). */
export function isGraphqlQuery(r: RequestRecord): boolean {
  if (r.path !== GRAPHQL_PATH) return false
  const query = (JSON.parse(r.body?.toString('utf8') || '{}') as { query?: unknown }).query
  return typeof query === 'string' && !/^\s*mutation\b/.test(query)
}

export function statusOf(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(resultsOf(outputs).map((r) => [r.template, r.status]))
}
