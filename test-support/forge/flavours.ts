/**
 * How each real forge answers, where they differ: the test forge's flavour switch. Every fact
 * here is from ../shared/forge-facts.md (which names each one's source in the forges' code and
 * documentation); test-support/forge/README.md lists what this forge cannot reproduce.
 */
export type Flavour =
  | 'gitea-1.22'
  | 'gitea-1.23'
  | 'gitea-1.24'
  | 'gitea-1.25'
  | 'gitea-1.26'
  | 'forgejo'
  | 'forgejo-11'
  | 'github'
  | 'ghes'

export const FLAVOURS: readonly Flavour[] = [
  'gitea-1.22',
  'gitea-1.23',
  'gitea-1.24',
  'gitea-1.25',
  'gitea-1.26',
  'forgejo',
  'forgejo-11',
  'github',
  'ghes'
]

export interface FlavourFacts {
  family: 'gitea' | 'github'
  /** `GET /api/v1/version` (Gitea/Forgejo only; GitHub has no such route). */
  version?: string
  /** Where the REST API lives below the server URL (GitHub Enterprise Server: /api/v3). */
  apiBase: string
  /** Renamed or transferred repositories: Gitea >= 1.23.7 301, older Gitea and Forgejo 307. */
  redirectStatus: 301 | 307
  /** Gitea/Forgejo: root-relative Location; GitHub: absolute, to /repositories/<id>/... */
  absoluteRedirect: boolean
  /** 404 texts: [repository, contents, branch]. */
  notFound: { repo: string; contents: string; branch: string }
  /** How a pre-receive refusal reaches git's "remote:" lines. */
  hookLines: (text: string) => string[]
  /** Workflow runs for a commit: `runs` (GitHub, Gitea >= 1.25), `tasks` (Gitea 1.23-1.24, Forgejo v8-v11). */
  actions: 'runs' | 'tasks' | 'none'
  /**
   * Gitea 1.25.0-1.25.4: `/actions/runs` answers only the repository's owner (403 "user should
   * be the owner of the repo"; routers/api/v1/api.go release/v1.25, reqOwner; fixed in 1.26.0).
   */
  runsNeedOwner: boolean
  /** A run's `path`: Gitea 1.25 "<file>@<ref>" (services/convert/convert.go), GitHub "<path>@<branch>" (its spec's example). */
  runPath: (path: string, branch: string) => string
  /** The repository JSON has `topics` (Gitea >= 1.23, #31127; Forgejo's swagger has it). */
  repoTopics: boolean
  /**
   * A pull request's JSON lists the teams asked to review: GitHub `requested_teams`, Gitea >= 1.23
   * and Forgejo `requested_reviewers_teams` (their swagger; 1.22's PullRequest has no such field).
   */
  teamRequestsListed: boolean
  /**
   * A contents `PUT` on a file deleted since it was read (routers/api/v1/repo/file.go): Gitea
   * >= 1.25 404 "object does not exist [id: , rel_path: X]" (handleChangeRepoFilesError); 1.22-1.24
   * and Forgejo fall through to a 500, whose message production Gitea leaves empty.
   */
  deletedFileWrite: (path: string) => { status: number; message: string }
  /**
   * A list asked for without `page`: Gitea before 1.26 answers every item (page 0 lists all),
   * 1.26 its first page only (routers/api/v1/utils/page.go forces page >= 1 from v1.26.0; seen
   * on Gitea 1.26.3: a repository's 60th label was not among its labels).
   */
  listWithoutPage: 'all' | 'first-page'
  /**
   * Why a merge is held back by the base's protection, in the forge's words: Gitea before 1.24 and
   * Forgejo "not allowed to merge [reason: X]" (models/error.go ErrDisallowedToMerge), 1.24 and
   * later X itself (services/pull/merge.go, ErrNotReadyToMerge). Seen on Gitea 1.22.6 and 1.26.3.
   */
  heldBack: (reason: string) => string
  /**
   * Scheduling a merge (`merge_when_checks_succeed`) starts a check that merges at once when
   * nothing is required: Gitea 1.24.3 and later (services/automerge/automerge.go, #35002). Before,
   * and in Forgejo through v15.0.3, nothing looks again until a status or a review arrives (seen on
   * Gitea 1.22.6: scheduled, 201, and open for good).
   */
  scheduledMergeChecks: boolean
  /**
   * GitHub Enterprise Server's version, sent as `x-github-enterprise-version` on every answer;
   * undefined for github.com and every Gitea.
   */
  enterprise?: string
  /**
   * GitHub limits requests and says so in x-ratelimit-* headers: github.com always; GHES only once a
   * site admin turns rate limits on ("Rate limits are disabled by default for GitHub Enterprise
   * Server"; then no x-ratelimit-* headers, and GET /rate_limit answers 404 "Rate limiting is not
   * enabled."). Gitea limits nothing.
   */
  rateLimits?: boolean
  /**
   * A bot's API commit with no author and no committer is signed: github.com and GHEC ("Signature
   * verification for bots" is wrapped in `ifversion fpt or ghec`); GHES signs web commits only.
   */
  signsBotApiCommits?: boolean
}

const GITEA_500 = () => ({ status: 500, message: '' })

const GITEA_404 = "The target couldn't be found."
const DISALLOWED = (reason: string) => `not allowed to merge [reason: ${reason}]`
const NOT_READY = (reason: string) => reason

const FORGEJO: FlavourFacts = {
  family: 'gitea',
  version: '10.0.0+gitea-1.22.0',
  apiBase: '/api/v1',
  redirectStatus: 307,
  absoluteRedirect: false,
  notFound: { repo: GITEA_404, contents: GITEA_404, branch: GITEA_404 },
  hookLines: (text) => [`Forgejo: ${text}`],
  actions: 'tasks',
  runsNeedOwner: false,
  runPath: (path) => path,
  repoTopics: true,
  teamRequestsListed: true,
  deletedFileWrite: GITEA_500,
  listWithoutPage: 'all',
  heldBack: DISALLOWED,
  scheduledMergeChecks: false
}

const GITEA_1_25: FlavourFacts = {
  family: 'gitea',
  version: '1.25.1',
  apiBase: '/api/v1',
  redirectStatus: 301,
  absoluteRedirect: false,
  notFound: { repo: 'not found', contents: 'not found', branch: 'not found' },
  // >= 1.24: the sentence between bare "error:" lines.
  hookLines: (text) => ['error:', `error: ${text}`, 'error:'],
  actions: 'runs',
  runsNeedOwner: true,
  runPath: (path, branch) => `${path.split('/').pop()}@refs/heads/${branch}`,
  repoTopics: true,
  teamRequestsListed: true,
  deletedFileWrite: (path) => ({ status: 404, message: `object does not exist [id: , rel_path: ${path}]` }),
  listWithoutPage: 'all',
  heldBack: NOT_READY,
  scheduledMergeChecks: true
}

const GITHUB: FlavourFacts = {
  family: 'github',
  apiBase: '/api/v3',
  redirectStatus: 301,
  absoluteRedirect: true,
  notFound: { repo: 'Not Found', contents: 'Not Found', branch: 'Not Found' },
  hookLines: (text) => [`error: ${text}`],
  actions: 'runs',
  runsNeedOwner: false,
  runPath: (path, branch) => `${path}@${branch}`,
  repoTopics: true,
  teamRequestsListed: true,
  rateLimits: true,
  signsBotApiCommits: true,
  // Not in forge-facts.md: what GitHub answers here is not known; its 404 is the ordinary one.
  deletedFileWrite: () => ({ status: 404, message: 'Not Found' }),
  listWithoutPage: 'all',
  heldBack: NOT_READY,
  scheduledMergeChecks: true
}

export const FACTS: Record<Flavour, FlavourFacts> = {
  'gitea-1.22': {
    family: 'gitea',
    version: '1.22.6',
    apiBase: '/api/v1',
    redirectStatus: 307,
    absoluteRedirect: false,
    // 1.22's contents handler names itself in the 404 message.
    notFound: { repo: GITEA_404, contents: 'GetContentsOrList', branch: GITEA_404 },
    hookLines: (text) => [`Gitea: ${text}`],
    actions: 'none',
    runsNeedOwner: false,
    runPath: (path) => path,
    repoTopics: false,
    teamRequestsListed: false,
    deletedFileWrite: GITEA_500,
    listWithoutPage: 'all',
    heldBack: DISALLOWED,
    scheduledMergeChecks: false
  },
  'gitea-1.23': {
    family: 'gitea',
    version: '1.23.8',
    apiBase: '/api/v1',
    redirectStatus: 301,
    absoluteRedirect: false,
    notFound: { repo: GITEA_404, contents: GITEA_404, branch: GITEA_404 },
    hookLines: (text) => [`Gitea: ${text}`],
    actions: 'tasks',
    runsNeedOwner: false,
    runPath: (path) => path,
    repoTopics: true,
    teamRequestsListed: true,
    deletedFileWrite: GITEA_500,
    listWithoutPage: 'all',
    heldBack: DISALLOWED,
    scheduledMergeChecks: false
  },
  'gitea-1.24': {
    family: 'gitea',
    version: '1.24.6',
    apiBase: '/api/v1',
    redirectStatus: 301,
    absoluteRedirect: false,
    notFound: { repo: GITEA_404, contents: GITEA_404, branch: GITEA_404 },
    // >= 1.24: the sentence between bare "error:" lines.
    hookLines: (text) => ['error:', `error: ${text}`, 'error:'],
    actions: 'tasks',
    runsNeedOwner: false,
    runPath: (path) => path,
    repoTopics: true,
    teamRequestsListed: true,
    deletedFileWrite: GITEA_500,
    listWithoutPage: 'all',
    heldBack: NOT_READY,
    scheduledMergeChecks: true
  },
  'gitea-1.25': GITEA_1_25,
  // Seen live: Gitea 1.26.3 built from tag v1.26.3. As 1.25 where the action looks, but the runs
  // API answers a collaborator (reqOwner gone in 1.26.0) and a list without `page` is its first page.
  'gitea-1.26': { ...GITEA_1_25, version: '1.26.3', runsNeedOwner: false, listWithoutPage: 'first-page' },
  forgejo: FORGEJO,

  // Forgejo v11 answers as v10 wherever the action looks (its swagger: shared/specs/forgejo-v11.0.json).
  'forgejo-11': { ...FORGEJO, version: '11.0.3+gitea-1.22.0' },
  github: GITHUB,
  // GitHub Enterprise Server with its defaults (docs "Rate limits for the REST API", enterprise-server@3.14
  // and later; forge-facts.md): rate limits off, bot API commits unsigned, the github flavour otherwise.
  ghes: { ...GITHUB, enterprise: '3.19.1', rateLimits: false, signsBotApiCommits: false }
}
