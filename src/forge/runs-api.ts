import type { CallOptions, ForgeKind } from './forge-client.js'
import type { RunInfo } from './forge-writes.js'
import { list, object } from './forge-shapes.js'
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

/** A commit's runs as `GET /actions/runs` or `/actions/tasks` answers them ({total_count, workflow_runs}). */
export function runsOf(data: unknown, what: string, sha: string): RunInfo[] {
  return list(object(data, what).workflow_runs, `${what} workflow_runs`)
    .map((run) => object(run, 'a workflow run'))
    .map((run) => ({
      id: Number(run.id),
      sha: String(run.head_sha ?? ''),
      status: String(run.status ?? 'unknown'),
      conclusion: typeof run.conclusion === 'string' && run.conclusion ? run.conclusion : undefined,
      url: String(run.html_url ?? run.url ?? ''),
      // Runs say `path`; tasks (and Forgejo's runs) `workflow_id`, the workflow's file name.
      path: typeof run.path === 'string' ? run.path : typeof run.workflow_id === 'string' ? run.workflow_id : undefined
    }))
    .filter((run) => run.sha === sha)
}

/** One commit status: its state and where it points. */
export interface JobStatus {
  state: string
  targetUrl: string
}

/** The statuses of a combined status answer ({state, statuses: [{state, target_url, …}]}). */
export function jobStatusesOf(data: unknown, what: string): JobStatus[] {
  return list(object(data, what).statuses ?? [], `${what} statuses`)
    .map((status) => object(status, 'a commit status'))
    .map((status) => ({
      state: String(status.state ?? status.status ?? ''),
      targetUrl: String(status.target_url ?? '')
    }))
}

/**
 * Whether a run shown by its tasks still has a job to do, from the commit's statuses. Gitea and
 * Forgejo Actions write a status for every job of a run as the run is created, pending while the
 * job waits, is blocked by `needs:` or runs, and point it at `<run link>/jobs/<n>`
 * (services/actions/commit_status.go and notifier_helper.go; Gitea 1.22-1.26, Forgejo v11), while
 * a task appears only once a runner takes its job. So: true while a status of one of `runUrls`
 * is pending, false once all of them are over, null where none points at those runs (then only
 * the task list can tell).
 */
export function jobsPending(statuses: JobStatus[], runUrls: string[]): boolean | null {
  const runs = runUrls.map((url) => `${pathOf(url)}/jobs/`)
  const ours = statuses.filter((s) => runs.some((run) => pathOf(s.targetUrl, runUrls[0]).startsWith(run)))
  if (ours.length === 0) return null
  return ours.some((s) => s.state === 'pending')
}

/** A URL's path, a relative one (as Gitea stores a status's target) read against `base`. */
function pathOf(url: string, base?: string): string {
  try {
    return new URL(url, base).pathname.replace(/\/+$/, '')
  } catch {
    return ''
  }
}
