import { object, parsePull, type PullInfo } from './forge-shapes.js'
import { logins } from './pull-people.js'

/** A pull request as the lists show it: its state, and whether it was merged. */
export interface PullState extends PullInfo {
  state: 'open' | 'closed'
  merged: boolean
  title: string
  body: string
  /** GitHub's GraphQL id (auto-merge takes it). */
  nodeId?: string
  headSha?: string
  /** Who looks at it now: label names, assignee and requested reviewer logins, requested team names. */
  labels: string[]
  assignees: string[]
  reviewers: string[]
  teamReviewers: string[]
}

/** A pull request answer, with its state. */
export function pullState(data: unknown): PullState {
  const pull = parsePull(data, 'a pull request')
  const raw = object(data, 'a pull request')
  return {
    ...pull,
    state: raw.state === 'closed' ? 'closed' : 'open',
    // Gitea says `merged`; GitHub's list says `merged_at` only.
    merged: raw.merged === true || (typeof raw.merged_at === 'string' && raw.merged_at !== ''),
    title: String(raw.title ?? ''),
    body: String(raw.body ?? ''),
    nodeId: typeof raw.node_id === 'string' ? raw.node_id : undefined,
    headSha:
      typeof object(raw.head ?? {}, 'head').sha === 'string' ? String(object(raw.head ?? {}, 'head').sha) : undefined,
    labels: names(raw.labels, 'name'),
    assignees: logins(raw.assignees),
    reviewers: logins(raw.requested_reviewers),
    // GitHub's requested_teams by slug (what its team_reviewers takes); Gitea's
    // requested_reviewers_teams (its swagger from 1.23 on) by name, which its team_reviewers takes.
    teamReviewers: [...names(raw.requested_teams, 'slug'), ...names(raw.requested_reviewers_teams, 'name')]
  }
}

const names = (rows: unknown, field: string): string[] =>
  Array.isArray(rows) ? rows.map((r) => String(object(r, 'an entry')[field] ?? '')).filter(Boolean) : []
