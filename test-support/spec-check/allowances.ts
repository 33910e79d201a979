import type { FlavourFacts } from '../forge/flavours.js'

/**
 * Real statuses a description does not declare for the operation, each with where it comes
 * from. Anything else undeclared is a mismatch.
 */
interface StatusAllowance {
  statuses: number[]
  family?: FlavourFacts['family']
  /** Only for this operation ("GET /repos/{owner}/{repo}/actions/runs"). */
  operation?: string
  why: string
}

export const STATUS_ALLOWANCES: StatusAllowance[] = [
  {
    statuses: [301, 307],
    why: 'a renamed or transferred repository redirects every route below it (Gitea routers/api/v1/api.go repoAssignment, context RedirectToRepo; GitHub docs "Repository redirects"); no operation declares it'
  },
  {
    statuses: [401],
    why: 'a bad token is refused by the authentication layer before any route (Gitea services/auth; GitHub "Bad credentials")'
  },
  {
    statuses: [403, 429],
    family: 'github',
    why: 'GitHub rate limits, primary and secondary, documented for every endpoint at once ("Rate limits for the REST API")'
  },
  {
    statuses: [500],
    family: 'gitea',
    why: "ctx.APIErrorInternal: Gitea's swagger declares no 500 anywhere (a contents write racing a push; a file deleted since it was read on 1.22-1.24)"
  },
  {
    statuses: [404],
    family: 'github',
    operation: 'GET /orgs/{org}/repos',
    why: 'an owner GitHub does not know as an organisation (a user, a typo) is 404 Not Found, as on every route; its description declares only 200 here'
  },
  ...['GET /orgs/{org}/installation', 'GET /users/{username}/installation'].map((operation) => ({
    statuses: [404],
    family: 'github' as const,
    operation,
    why: 'an App not installed on that account, or an organisation asked as a user, is 404 Not Found (actions/create-github-app-token#76: GET /users/<org>/installation 404; tibdex/github-app-token#2, an App never installed); its description declares only 200'
  })),
  {
    statuses: [403],
    family: 'gitea',
    operation: 'GET /repos/{owner}/{repo}/actions/runs',
    why: 'Gitea 1.25.0-1.25.4 put the route behind reqOwner (routers/api/v1/api.go, release/v1.25; fixed in 1.26.0, #36818); its swagger lists 400 and 404 only'
  },
  {
    statuses: [201],
    family: 'gitea',
    operation: 'POST /repos/{owner}/{repo}/pulls/{index}/merge',
    why: 'a merge scheduled by merge_when_checks_succeed answers ctx.Status(http.StatusCreated) (routers/api/v1/repo/pull.go MergePullRequest, release/v1.22 and v1.25); the swagger lists 200 only'
  }
]

/**
 * Request body fields a description does not declare that the forge takes all the same, each
 * with the evidence. Anything else undeclared is a mismatch.
 */
export const BODY_ALLOWANCES: Array<{
  family: FlavourFacts['family']
  operation: string
  field: string
  why: string
}> = [
  {
    family: 'gitea',
    operation: 'POST /repos/{owner}/{repo}/pulls/{index}/merge',
    field: 'do',
    why: 'Gitea 1.26 documents `do` (services/forms/repo_form.go MergePullRequestForm, v1.26.3); 1.22-1.25 and Forgejo describe `Do`, and their JSON decoding matches a key to a field whatever its case (Go\'s encoding/json): seen on Gitea 1.22.6, {"do": "squash"} squash-merged'
  }
]

export function bodyFieldAllowed(family: FlavourFacts['family'], operation: string, problem: string): boolean {
  const field = /^at \$: field "([^"]+)" is not in the description$/.exec(problem)?.[1]
  return BODY_ALLOWANCES.some((a) => a.family === family && a.operation === operation && a.field === field)
}

/**
 * Gitea's `*string` fields, null when unset although the swagger says string: ContentsResponse's
 * encoding, content, target, the URLs and submodule_git_url (modules/structs/repo_file.go, release/v1.25) are nil for a
 * symlink, a submodule or a directory entry.
 */
export const GO_POINTERS: Record<string, string[]> = {
  ContentsResponse: ['content', 'encoding', 'target', 'submodule_git_url', 'download_url', 'url', 'html_url', 'git_url']
}

export function statusAllowed(status: number, family: FlavourFacts['family'], operation: string | null): boolean {
  return STATUS_ALLOWANCES.some(
    (a) =>
      a.statuses.includes(status) &&
      (a.family === undefined || a.family === family) &&
      (a.operation === undefined || a.operation === operation)
  )
}

/**
 * The fields the action reads from each answer (src/forge/forge-shapes.ts, forge-api.ts,
 * repo-listing.ts): each must be in the description, and `!` marks those every such answer
 * must carry. `[]` steps into a list's items.
 */
/** A run as BuildWatch reads it, the same on both families (src/forge/forge-api.ts runs). */
const RUN_READS = ['id', 'head_sha', 'status', 'conclusion', 'html_url', 'path'].map((f) => `workflow_runs.[].${f}`)

export const READS: Record<string, Partial<Record<FlavourFacts['family'], string[]>>> = {
  'GET /repos/{owner}/{repo}': {
    gitea: ['!full_name', '!default_branch', '!archived', '!mirror', '!fork', '!empty', '!permissions.push'],
    github: ['!full_name', '!default_branch', '!archived', '!mirror_url', '!fork', 'permissions.push']
  },
  'GET /repos/{owner}/{repo}/branches/{branch}': {
    gitea: ['!name', '!commit.id', 'commit.message'],
    github: ['!name', '!commit.sha', 'commit.commit.message', 'commit.commit.tree.sha', 'commit.parents']
  },
  'GET /repos/{owner}/{repo}/contents/{filepath}': { gitea: ['!type', '!sha', '!path', 'content', 'encoding'] },
  'GET /repos/{owner}/{repo}/contents/{path}': { github: ['!type', '!sha', '!path', 'content', 'encoding'] },
  'PUT /repos/{owner}/{repo}/contents/{filepath}': { gitea: ['!commit.sha', 'verification.verified'] },
  'POST /repos/{owner}/{repo}/contents/{filepath}': { gitea: ['!commit.sha', 'verification.verified'] },
  'POST /repos/{owner}/{repo}/contents': { gitea: ['!commit.sha', 'verification.verified'] },
  'PUT /repos/{owner}/{repo}/contents/{path}': { github: ['!commit.sha', 'commit.verification.verified'] },
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': {
    github: ['!tree', 'tree.[].path', 'tree.[].mode', 'tree.[].type', 'tree.[].sha']
  },
  'POST /repos/{owner}/{repo}/git/trees': { github: ['!sha'] },
  'POST /repos/{owner}/{repo}/git/commits': { github: ['!sha', 'verification.verified'] },
  'GET /repos/{owner}/{repo}/git/commits/{sha}': { gitea: ['!parents.[].sha'] },
  'GET /repos/{owner}/{repo}/commits/{ref}': { github: ['!parents.[].sha'] },
  'POST /repos/{owner}/{repo}/pulls': {
    gitea: ['!number', 'html_url', 'head.ref', 'base.ref'],
    github: ['!number', 'html_url', 'head.ref', 'base.ref', 'node_id']
  },
  'GET /repos/{owner}/{repo}/pulls': {
    gitea: [
      '[].number',
      '[].head.ref',
      '[].base.ref',
      '[].state',
      '[].merged',
      '[].title',
      '[].body',
      '[].head.sha',
      '[].assignees.[].login',
      '[].requested_reviewers.[].login'
    ],
    github: [
      '[].number',
      '[].head.ref',
      '[].base.ref',
      '[].state',
      '[].merged_at',
      '[].title',
      '[].body',
      '[].node_id',
      '[].head.sha',
      '[].assignees.[].login',
      '[].requested_reviewers.[].login',
      '[].requested_teams.[].slug'
    ]
  },
  'GET /repos/{owner}/{repo}/pulls/{index}/commits': { gitea: ['[].commit.message'] },
  'GET /orgs/{org}/installation': { github: ['!id'] },
  'GET /users/{username}/installation': { github: ['!id'] },
  'POST /app/installations/{installation_id}/access_tokens': { github: ['!token', '!expires_at'] },
  'GET /repos/{owner}/{repo}/pulls/{index}': { gitea: ['merge_commit_sha'] },
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge': { github: ['sha'] },
  'GET /repos/{owner}/{repo}/pulls/{index}/reviews': { gitea: ['[].state', '[].user.login'] },
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': { github: ['[].state', '[].user.login'] },
  'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees': { github: ['assignees.[].login'] },
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits': { github: ['[].commit.message'] },
  'GET /repos/{owner}/{repo}/labels': { gitea: ['[].id', '[].name'] },
  'GET /orgs/{org}/labels': { gitea: ['[].id', '[].name'] },
  'GET /repos/{owner}/{repo}/pulls/{base}/{head}': { gitea: ['!number', 'state', 'html_url', 'head.ref', 'base.ref'] },
  'GET /version': { gitea: ['!version'] },
  'GET /user': { gitea: ['!login'], github: ['!login'] },
  'GET /users/{username}': { gitea: ['!id'] },
  'GET /orgs/{org}/repos': {
    gitea: ['[].full_name', '[].archived', '[].mirror', '[].fork'],
    github: ['[].full_name', '[].archived', '[].mirror_url', '[].fork']
  },
  'GET /users/{username}/repos': {
    gitea: ['[].full_name', '[].archived', '[].mirror', '[].fork'],
    github: ['[].full_name', '[].archived', '[].mirror_url', '[].fork']
  },
  'GET /user/repos': { github: ['[].full_name', '[].owner.login'] },
  'GET /installation/repositories': { github: ['!repositories', 'repositories.[].full_name'] },
  'GET /repos/search': { gitea: ['!data', 'data.[].full_name'] },
  'GET /search/repositories': { github: ['!total_count', '!items', 'items.[].full_name'] },
  'GET /rate_limit': { github: ['!resources.core.limit', '!resources.core.remaining', '!resources.core.reset'] },
  'GET /repos/{owner}/{repo}/actions/runs': {
    gitea: ['!workflow_runs', ...RUN_READS],
    github: ['!workflow_runs', ...RUN_READS]
  },
  'GET /repos/{owner}/{repo}/actions/tasks': {
    gitea: [
      '!workflow_runs',
      'workflow_runs.[].id',
      'workflow_runs.[].head_sha',
      'workflow_runs.[].status',
      'workflow_runs.[].url',
      'workflow_runs.[].workflow_id'
    ]
  }
}
