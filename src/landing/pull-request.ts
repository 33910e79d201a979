import { ApiError } from '../forge/api-error.js'
import type { ForgeApi, PullSpec } from '../forge/forge-api.js'
import type { CallOptions } from '../forge/forge-client.js'

export interface PullRequestRef {
  number: number
  url: string
}

/**
 * Pull-request mode's last step: open the bump pull request, or find the one that already
 * exists for the same head and base (Gitea 409, GitHub 422). The POST is retried on 5xx and
 * connection faults like any request: a lost POST would leave a pushed branch with no pull
 * request, and a retried POST whose first try did land is answered "already exists", which
 * finds it.
 */
export async function ensurePullRequest(
  api: ForgeApi,
  owner: string,
  repo: string,
  spec: PullSpec,
  call: CallOptions
): Promise<{ opened: boolean; pr: PullRequestRef }> {
  const created = await api.openPull(owner, repo, spec, call)
  if (created !== 'exists') {
    call.log?.(`opened pull request #${created.number}: ${created.url}`)
    return { opened: true, pr: { number: created.number, url: created.url } }
  }
  call.log?.('a pull request for this branch already exists; looking it up')
  const found = await api.findPull(owner, repo, spec.head, spec.base, call)
  // The forge said it exists but we cannot see it: report, never guess a number.
  if (!found) {
    throw new ApiError(
      409,
      `the forge says a pull request from ${spec.head} into ${spec.base} exists, but it was not found among the open pull requests`
    )
  }
  return { opened: false, pr: { number: found.number, url: found.url } }
}
