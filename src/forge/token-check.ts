import { ApiError } from './api-error.js'
import { ForgeFailingError, RunStopError, TokenRejectedError } from '../shared/run-control.js'
import type { ForgeApi } from './forge-api.js'
import type { ForgeKind } from './forge-client.js'
import { RetryGroup } from './retry-group.js'

export interface TokenCheck {
  /** GitHub: the core quota. */
  quota: { limit: number; remaining: number; reset: Date } | null
  /** What the log should say about the token. */
  summary: string
}

/**
 * Checks the token once, before any template: Gitea/Forgejo `GET /user` and GitHub
 * `GET /rate_limit` (which works for every GitHub token kind, costs no quota and says how much
 * is left) go out together, one round trip. A rejected token (401) stops the run there: two
 * requests in all, no git. The answers also say which kind of forge this is.
 */
export async function checkToken(api: ForgeApi, apiUrl: string, retries: number): Promise<TokenCheck> {
  const call = { group: new RetryGroup(retries), subject: 'token check' }
  const [user, rate] = await Promise.allSettled([api.user(call), api.rateLimit(call)])
  for (const outcome of [user, rate]) {
    if (outcome.status === 'rejected' && outcome.reason instanceof TokenRejectedError) throw outcome.reason
  }
  for (const outcome of [user, rate]) {
    if (outcome.status === 'rejected' && !(outcome.reason instanceof ApiError)) throw outcome.reason
  }
  const failure = (o: PromiseSettledResult<unknown>) => (o.status === 'rejected' ? (o.reason as ApiError) : null)
  const [userError, rateError] = [failure(user), failure(rate)]
  if (userError?.transient && rateError?.transient) {
    throw new ForgeFailingError(apiUrl, userError.message, 2)
  }
  const kind: ForgeKind = api.kind ?? 'gitea'
  if (kind === 'github') {
    const quota = rate.status === 'fulfilled' ? rate.value : null
    // App installation tokens may not read /user (403 "Resource not accessible by integration").
    const who = user.status === 'fulfilled' ? user.value : undefined
    const left = quota ? `; quota ${quota.remaining} of ${quota.limit} left until ${quota.reset.toISOString()}` : ''
    const whose = who
      ? `, user ${who}`
      : userError?.status === 403
        ? ' (an App installation token: GitHub does not say whose)'
        : ''
    const limits = api.traits.rateLimited ? '' : '; it announces no rate limits'
    return { quota, summary: `token accepted by ${api.traits.name}${whose}${left}${limits}` }
  }
  if (user.status === 'fulfilled') {
    return { quota: null, summary: `token accepted by Gitea/Forgejo, user ${user.value}` }
  }
  // A 403 is an accepted token that may not read the user (no read:user scope): fine here.
  if (userError?.status === 403) {
    return {
      quota: null,
      summary: `token accepted by Gitea/Forgejo (it may not read /user: ${userError.message})`
    }
  }
  if (userError?.transient) throw new ForgeFailingError(apiUrl, userError.message, 2)
  // Neither answered as a forge API would: the base URL is most likely wrong.
  throw new RunStopError(
    `api-url ${apiUrl} does not answer like a forge's API (GET /user: ${userError?.message}; ` +
      `GET /rate_limit: ${rateError?.message ?? 'ok'}). Gitea/Forgejo use <server>/api/v1, GitHub https://api.github.com.`,
    'not attempted: the API could not be used',
    'the API could not be used'
  )
}
