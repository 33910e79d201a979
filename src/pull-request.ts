import { ApiError, repoApiPath, type ForgeClient } from './forge-client.js'
import type { PullRequestRef } from './results.js'
import type { TemplateRef } from './template-list.js'

export interface PullRequestSpec {
  head: string
  base: string
  title: string
  body: string
}

type Log = (line: string) => void

const PAGE = 50
const MAX_PAGES = 20

/**
 * Opens the bump pull request, or finds the one that already exists for the same head and base
 * (Gitea answers 409 "pull request already exists for these targets", GitHub 422 "A pull
 * request already exists for owner:branch"). The POST is retried on 5xx and connection faults:
 * a lost POST would leave a pushed branch with no pull request. A retried POST whose first try
 * did land is answered "already exists", which finds it.
 */
export async function ensurePullRequest(
  forge: ForgeClient,
  ref: TemplateRef,
  spec: PullRequestSpec,
  log: Log
): Promise<{ opened: boolean; pr: PullRequestRef }> {
  const base = repoApiPath(ref.owner, ref.repo, 'pulls')
  try {
    const created = (await forge.json('POST', base, log, spec)) as Record<string, unknown>
    const pr = toRef(created)
    log(`opened pull request #${pr.number}: ${pr.url}`)
    return { opened: true, pr }
  } catch (error) {
    if (!(error instanceof ApiError) || !alreadyExists(error)) throw error
  }
  log('a pull request for this branch already exists; looking it up')
  for (let page = 1; page <= MAX_PAGES; page++) {
    // GitHub filters by head and base; Gitea ignores those and pages with `limit`: filter here.
    const query = `?${new URLSearchParams({ state: 'open', head: `${ref.owner}:${spec.head}`, base: spec.base, per_page: `${PAGE}`, limit: `${PAGE}`, page: `${page}` })}`
    const list = (await forge.json('GET', base + query, log)) as Array<Record<string, unknown>>
    if (!Array.isArray(list) || list.length === 0) break
    const match = list.find((p) => refName(p.head) === spec.head && refName(p.base) === spec.base)
    if (match) return { opened: false, pr: toRef(match) }
  }
  // The forge said it exists but we cannot see it: report, never guess a number.
  throw new ApiError(
    409,
    `the forge says a pull request from ${spec.head} into ${spec.base} exists, but it was not found among the open pull requests`
  )
}

function alreadyExists(error: ApiError): boolean {
  return (error.status === 409 || error.status === 422) && /already exists/i.test(error.message)
}

function refName(side: unknown): string | undefined {
  return typeof side === 'object' && side !== null ? String((side as Record<string, unknown>).ref ?? '') : undefined
}

function toRef(pr: Record<string, unknown>): PullRequestRef {
  const number = Number(pr.number)
  const url = String(pr.html_url ?? pr.url ?? '')
  if (!Number.isInteger(number) || number <= 0)
    throw new ApiError(0, 'the forge answered the pull request call without a pull request number')
  return { number, url }
}
