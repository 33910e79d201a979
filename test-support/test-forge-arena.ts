import type { Arena, BuildRecord, PullView, TemplateSpec } from './arena.js'
import { publishWorkflow } from './arena.js'
import type { TestForge } from './forge/forge.js'
import { matches, type Match } from './forge/request-rules.js'
import { runAction } from './run-action.js'
import { fileAt, inputsFor, OWNER, subjects, template } from './scenario.js'

/** The arena on the loopback test forge: arranged through its store, asserted on its bare repositories. */
export class TestForgeArena implements Arena {
  readonly owner = OWNER
  readonly runsOn = 'ubuntu-latest'
  readonly bot = 'cascade-bot'
  readonly reviewer = 'reviewer-bob'
  private readonly jobs = new Map<string, number>()

  /**
   * The bot the live arena makes is a collaborator, not the owner: the test forge plays the same
   * (Gitea 1.25.0-1.25.4 answer the runs API only to the owner).
   */
  constructor(readonly forge: TestForge) {
    forge.api.actions.tokenIsOwner = false
  }

  get label(): string {
    return `test forge ${this.forge.flavour}`
  }

  get family(): 'gitea' | 'github' {
    return this.forge.facts.family
  }

  /** The test forge derives a run from every push (whether an API lists them depends on its flavour). */
  readonly runsBuilds = true

  /** The runs the test forge derives from the pushes (actions.ts): created, taken, in progress, done. */
  async builds(fullName: string): Promise<BuildRecord[] | null> {
    if (this.forge.facts.actions === 'none') return null
    const { runDelayMs, pickupDelayMs, runMs, jobGapMs } = this.forge.api.actions
    const meta = this.forge.repo(fullName)
    return meta.pushes
      .filter((p) => p.branch === meta.defaultBranch)
      .map((p) => {
        const start = p.at + runDelayMs + pickupDelayMs
        const jobs = this.jobs.get(fullName) ?? 1
        const end = start + runMs * jobs + jobGapMs * (jobs - 1)
        return { sha: p.sha, done: Date.now() >= end, start, end }
      })
  }

  async template(name: string, spec: TemplateSpec = {}): Promise<string> {
    const { requiredChecks, workflow = true, ...rest } = spec
    const files = {
      ...(workflow ? { [workflowPath(workflow)]: publishWorkflow(this.runsOn, spec.jobs) } : {}),
      ...spec.files
    }
    this.jobs.set(`${this.owner}/${name}`, spec.jobs ?? 1)
    return template(this.forge, name, {
      ...rest,
      workflow: false,
      files,
      ...(requiredChecks && requiredChecks.length > 0 ? { requiredChecks: true } : {})
    })
  }

  async rename(fullName: string, newName: string): Promise<string> {
    const to = `${this.owner}/${newName}`
    await this.forge.store.rename(this.forge.repo(fullName), to)
    return to
  }

  async commit(fullName: string, files: Record<string, string>, message: string, branch?: string): Promise<void> {
    const meta = this.forge.repo(fullName)
    await this.forge.store.commit(meta, files, message, undefined, true, branch ?? meta.defaultBranch)
  }

  before(match: Match, hook: () => Promise<void>): void {
    this.forge.before(match, () => hook(), 1)
  }

  requests(match: Match = {}) {
    return this.forge.requests.filter((r) => matches(match, r))
  }

  file(fullName: string, path: string, branch?: string): Promise<string | null> {
    return fileAt(this.forge, fullName, path, branch)
  }

  subjects(fullName: string, branch?: string): Promise<string[]> {
    return subjects(this.forge, fullName, branch)
  }

  async branches(fullName: string): Promise<string[]> {
    const out = await this.forge.store.git(this.forge.repo(fullName).dir, [
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/heads'
    ])
    return out.split('\n').filter(Boolean).sort()
  }

  async pulls(fullName: string): Promise<PullView[]> {
    return this.forge.repo(fullName).pulls.map((p) => ({
      number: p.number,
      state: p.state,
      merged: p.merged === true,
      title: p.title,
      head: p.head,
      labels: p.labels ?? [],
      assignees: p.assignees ?? [],
      comments: p.comments ?? [],
      ...(p.mergeCommit ? { mergeCommit: p.mergeCommit } : {})
    }))
  }

  async closePull(fullName: string, n: number): Promise<void> {
    const pull = this.forge.repo(fullName).pulls.find((p) => p.number === n)
    if (!pull) throw new Error(`no pull request #${n} in ${fullName}`)
    pull.state = 'closed'
  }

  run(inputs: Record<string, string>) {
    return runAction(inputs)
  }

  inputs(templates: string, extra: Record<string, string> = {}): Record<string, string> {
    return inputsFor(this.forge, templates, extra)
  }

  async close(): Promise<void> {}
}

const workflowPath = (workflow: boolean | string): string =>
  typeof workflow === 'string' ? workflow : '.github/workflows/publish-image.yml'
