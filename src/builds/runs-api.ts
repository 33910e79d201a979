import type { ForgeApi } from '../forge/forge-api.js'
import { compareVersions } from '../shared/version-order.js'

/** Which endpoint lists a commit's workflow runs here, or why none does. */
export type RunsApi = { api: 'runs' | 'tasks' } | { none: string }

/**
 * GitHub and Gitea >= 1.25 answer `GET /actions/runs?head_sha=`; Gitea 1.23-1.24 only
 * `GET /actions/tasks`; Forgejo (v10) and Gitea <= 1.22 have no such API. Decided once per run
 * from the forge's kind and `GET /version`; where that does not tell, the runs endpoint is tried
 * and a 404 decides.
 */
export async function chooseRunsApi(api: ForgeApi): Promise<RunsApi> {
  if (api.kind === 'github') return { api: 'runs' }
  const version = await api.version().catch(() => null)
  if (!version) return { api: 'runs' }
  if (/\+gitea-|forgejo/i.test(version))
    return { none: `Forgejo ${version.split('+')[0]} has no API that lists workflow runs` }
  const release = /^(\d+\.\d+\.\d+)/.exec(version)?.[1]
  if (!release) return { api: 'runs' }
  if ((compareVersions(release, '1.25.0') ?? -1) >= 0) return { api: 'runs' }
  if ((compareVersions(release, '1.23.0') ?? -1) >= 0) return { api: 'tasks' }
  return { none: `Gitea ${release} has no API that lists workflow runs (1.23 and later have)` }
}
