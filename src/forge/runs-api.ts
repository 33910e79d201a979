import type { CallOptions, ForgeKind } from './forge-client.js'
import type { RunInfo } from './forge-writes.js'
import { compareVersions } from '../shared/version-order.js'

/** What choosing and asking the runs endpoint needs of the forge API. */
export interface RunsSource {
  readonly kind: ForgeKind | undefined
  version(call?: CallOptions): Promise<string | null>
  runs(owner: string, repo: string, sha: string, api: 'runs' | 'tasks', call?: CallOptions): Promise<RunInfo[] | null>
}

/** Which endpoint lists a commit's workflow runs here, or why none does. */
export type RunsApi = { api: 'runs' | 'tasks' } | { none: string }

/**
 * GitHub and Gitea >= 1.25 answer `GET /actions/runs?head_sha=`; Gitea 1.23-1.24 and Forgejo
 * v8-v11 only `GET /actions/tasks`; Forgejo v12 (its main, mid 2025) has both; Gitea <= 1.22
 * and Forgejo before v8 have neither (forge-facts.md, Workflow runs; the swagger of each release
 * in shared/specs). Decided once per run from the forge's kind and `GET /version`; where that
 * does not tell, the runs endpoint is tried and a 404 decides. Gitea 1.25.0-1.25.4 let only the
 * repository's owner list runs: BuildWatch falls back to tasks on that 403.
 */
export async function chooseRunsApi(api: Pick<RunsSource, 'kind' | 'version'>): Promise<RunsApi> {
  if (api.kind === 'github') return { api: 'runs' }
  const version = await api.version().catch(() => null)
  if (!version) return { api: 'runs' }
  const release = /^(\d+\.\d+\.\d+)/.exec(version)?.[1]
  if (/\+gitea-|forgejo/i.test(version)) {
    const major = Number(/^(\d+)\./.exec(version)?.[1] ?? NaN)
    if (!Number.isFinite(major)) return { api: 'tasks' }
    if (major >= 12) return { api: 'runs' }
    if (major >= 8) return { api: 'tasks' }
    return { none: `Forgejo ${version.split('+')[0]} has no API that lists workflow runs (v8 and later have)` }
  }
  if (!release) return { api: 'runs' }
  if ((compareVersions(release, '1.25.0') ?? -1) >= 0) return { api: 'runs' }
  if ((compareVersions(release, '1.23.0') ?? -1) >= 0) return { api: 'tasks' }
  return { none: `Gitea ${release} has no API that lists workflow runs (1.23 and later have)` }
}

/**
 * The workflow file a run belongs to, from what the forge says: `path` is "<file>@<ref>" on
 * Gitea 1.25 (services/convert/convert.go ToActionWorkflowRun: `publish-image.yml@refs/heads/
 * main`) and in GitHub's examples (`.github/workflows/build.yml@main`); tasks and Forgejo's
 * runs give `workflow_id`, the file name. Compared by file name, before any `@`.
 */
export function workflowFile(path: string): string {
  return (path.split('@')[0] ?? '').split('/').pop() ?? ''
}
