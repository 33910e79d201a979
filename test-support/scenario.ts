import type { TestForge } from './forge/forge.js'
import { PUBLISH_WORKFLOW, WORKFLOW_TEXT, type RepoOptions } from './forge/repo-store.js'

export const OWNER = 'acme'

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

export function resultsOf(outputs: Record<string, string>): Array<{
  template: string
  status: string
  reason: string
  commit: string | null
  branch: string | null
  attempts: number
}> {
  return JSON.parse(outputs.results ?? '[]')
}

export function statusOf(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(resultsOf(outputs).map((r) => [r.template, r.status]))
}
