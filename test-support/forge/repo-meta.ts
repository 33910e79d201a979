/** A repository of the test forge, as its store and its API know it. */

export interface RepoOptions {
  /** Files of the first commit (path -> content). */
  files?: Record<string, string>
  defaultBranch?: string
  archived?: boolean
  mirror?: boolean
  fork?: boolean
  topics?: string[]
  /** No commits at all (Gitea's `empty`). */
  empty?: boolean
  /** The token may read but not push (permissions.push false, receive-pack 403, API writes 403). */
  readOnly?: boolean
  /** A pre-receive hook that declines every push with this sentence (in the flavour's layout). */
  declineWith?: string
  /** A protected branch: pushes and API writes to it are refused, others pass. */
  protectBranch?: string
  /** Never starts a workflow run, whatever is pushed (a template whose runner is gone). */
  noRuns?: boolean
  /** A private repository the token can see (GitHub's /users/{u}/repos leaves it out). */
  private?: boolean
  /**
   * A private repository the token cannot see: 404 by name, left out of every page, but counted
   * in Gitea's owner listings (X-Total-Count and Link; routers/api/v1/user/repo.go listUserRepos).
   */
  hidden?: boolean
  /** Symbolic links of the first commit (path -> target), mode 120000. */
  symlinks?: Record<string, string>
  /** The repository's labels, by name (Gitea answers them with ids). */
  labels?: string[]
  /** GitHub's `allow_auto_merge` repository setting (off by default, as on GitHub). */
  allowAutoMerge?: boolean
  /** Required checks on the base: auto-merge waits for them (else a merge is immediate). */
  requiredChecks?: boolean
  /** Checks no rule requires, pending or failing on its pull requests (GitHub's "unstable" state). */
  optionalChecksPending?: boolean
}

export interface PullRequest {
  number: number
  head: string
  base: string
  title: string
  body: string
  state: 'open' | 'closed'
  merged?: boolean
  draft?: boolean
  labels?: string[]
  reviewers?: string[]
  teamReviewers?: string[]
  /** Reviews given, oldest first (TestForge.review). */
  reviews?: Array<{ login: string; state: string }>
  assignees?: string[]
  comments?: string[]
  /** The merge commit, once merged through the API. */
  mergeCommit?: string
  /** auto-merge asked for, with this method. */
  autoMerge?: string
  /** Gitea: the head the forge has checked for mergeability (a merge before that: try again later). */
  checkedHead?: string
}

/** A branch update, however it came: a git push, an API write, someone else's commit. */
export interface Push {
  branch: string
  sha: string
  at: number
}

export interface RepoMeta extends RepoOptions {
  pulls: PullRequest[]
  pushes: Push[]
  id: number
  owner: string
  name: string
  fullName: string
  dir: string
}
