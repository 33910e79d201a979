import type { Arena, PullView, TemplateSpec } from './arena.js'
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

  constructor(readonly forge: TestForge) {}

  get label(): string {
    return `test forge ${this.forge.flavour}`
  }

  get family(): 'gitea' | 'github' {
    return this.forge.facts.family
  }

  /** The test forge derives a run from every push; whether one exists depends on its flavour. */
  get runsBuilds(): boolean {
    return this.forge.facts.actions !== 'none'
  }

  async template(name: string, spec: TemplateSpec = {}): Promise<string> {
    const { requiredChecks, workflow = true, ...rest } = spec
    const files = { ...(workflow ? { [workflowPath(workflow)]: publishWorkflow(this.runsOn) } : {}), ...spec.files }
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
      comments: p.comments ?? []
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
