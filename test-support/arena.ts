import type { ActionRun } from './run-action.js'
import type { Match, RequestRecord } from './forge/request-rules.js'

/**
 * Where a scenario runs: the loopback test forge, or a live Gitea or Forgejo (npm run
 * test:live). A scenario arranges through these words and asserts on the repositories through
 * them, so the same scenario and the same assertions run on both; what only one of them can be
 * arranged to do is said by the scenario, not hidden in the arena.
 */
export interface Arena {
  /** What answers: a test forge flavour, or the live forge's version (`gitea 1.26.3`). */
  readonly label: string
  readonly family: 'gitea' | 'github'
  /** The scratch owner every template of this arena belongs to. */
  readonly owner: string
  /** A runner takes the templates' publish workflows (live: LIVE_FORGE_RUNS_ON is set). */
  readonly runsBuilds: boolean
  /** The label the templates' publish workflows run on. */
  readonly runsOn: string
  /** The account whose token the action is given. */
  readonly bot: string
  /** Another account, which may be asked to review. */
  readonly reviewer: string

  /** A template (a repository of `owner`), seeded by someone else's commit; its full name. */
  template(name: string, spec?: TemplateSpec): Promise<string>
  /** Renames a template (the old name redirects, as on the forges); its new full name. */
  rename(fullName: string, newName: string): Promise<string>
  /** Someone else's commit on `branch` (the default branch), as a person pushing would make it. */
  commit(fullName: string, files: Record<string, string>, message: string, branch?: string): Promise<void>
  /** Runs `hook` once, before the next request that matches is served (a race, say). */
  before(match: Match, hook: () => Promise<void>): void
  /** The requests the action sent that match, so far (the live arena counts them at its proxy). */
  requests(match?: Match): RequestRecord[]

  file(fullName: string, path: string, branch?: string): Promise<string | null>
  /** Commit subjects of a branch, newest first. */
  subjects(fullName: string, branch?: string): Promise<string[]>
  branches(fullName: string): Promise<string[]>
  pulls(fullName: string): Promise<PullView[]>
  /** A person closes a pull request without merging it. */
  closePull(fullName: string, n: number): Promise<void>
  /** The builds (workflow runs) a template's commits started, as the forge records them; null: no API lists them. */
  builds(fullName: string): Promise<BuildRecord[] | null>

  /** The bundled action, run as a runner runs it, against this arena with the bot's token. */
  run(inputs: Record<string, string>): Promise<ActionRun>
  /** Inputs for `templates` (names under `owner`) and anything else given. */
  inputs(templates: string, extra?: Record<string, string>): Record<string, string>
  /** Removes what the arena made. */
  close(): Promise<void>
}

export interface TemplateSpec {
  /** The version file's pin; null: no version file. */
  pin?: string | null
  /** The publish workflow: true (`.github/workflows/publish-image.yml`), a path, or false. */
  workflow?: boolean | string
  /** More files of the first commit. */
  files?: Record<string, string>
  /** Pushes and API writes to this branch are refused to the bot. */
  protectBranch?: string
  /** Status checks the protected branch requires (auto-merge waits for them). */
  requiredChecks?: string[]
  /** The repository's labels, by name. */
  labels?: string[]
  /** The bot may read but not write it. */
  readOnly?: boolean
  /** A private repository the bot cannot see. */
  hidden?: boolean
  /** GitHub's "Allow auto-merge" setting (no such setting on Gitea). */
  allowAutoMerge?: boolean
  /** The publish workflow's jobs, each after the one before (`needs:`); default one. */
  jobs?: number
}

/** One workflow run, all its jobs, as the forge records it (times in ms since the epoch). */
export interface BuildRecord {
  sha: string
  done: boolean
  start: number | null
  end: number | null
}

/** A pull request as a person sees it on the forge. */
export interface PullView {
  number: number
  state: 'open' | 'closed'
  merged: boolean
  title: string
  head: string
  labels: string[]
  assignees: string[]
  comments: string[]
  /** The merge commit, once merged. */
  mergeCommit?: string
}

/**
 * The templates' publish workflow, run by a runner on a push to main: `jobs` jobs, each after the
 * one before (`build`, then `step-2` needing it, …), each about two seconds.
 */
export function publishWorkflow(runsOn: string, jobs = 1): string {
  const job = (i: number) => [
    `  ${i === 0 ? 'build' : `step-${i + 1}`}:`,
    ...(i === 0 ? [] : [`    needs: ${i === 1 ? 'build' : `step-${i}`}`]),
    `    runs-on: ${runsOn}`,
    '    steps:',
    '      - run: echo "building the image for the runtime pinned in .runtime-version"; sleep 2'
  ]
  return [
    'on:',
    '  push:',
    '    branches: [main]',
    'jobs:',
    ...Array.from({ length: jobs }, (_, i) => job(i)).flat(),
    ''
  ].join('\n')
}
