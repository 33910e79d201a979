import { randomBytes } from 'node:crypto'
import type { Arena, BuildRecord, PullView, TemplateSpec } from '../arena.js'
import { publishWorkflow } from '../arena.js'
import type { Match } from '../forge/request-rules.js'
import { PROJECT_ROOT, runAction } from '../run-action.js'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ForgeProxy } from './forge-proxy.js'
import { LiveClient } from './live-client.js'

/** Closed arenas whose scratch is still to remove (LiveArena.removeAll). */
const LEFT: LiveArena[] = []

/** What the live arena is given: the forge, an admin's token, and (optionally) a runner's label. */
export interface LiveSettings {
  url: string
  token: string
  /** The label a registered runner takes jobs for; without one, scenarios that need builds are left out. */
  runsOn?: string
  /** The bot token's scopes (default: the README's for push and pull-request mode). */
  scopes: string[]
  /** Leave what the arena made, to look at it after a failure. */
  keep: boolean
  /** The label of a runner that predates node24 (act_runner before v0.2.13), when one is registered. */
  oldRunsOn?: string
}

/** The bot's token scopes the README asks for: write:repository, and write:issue for pull requests' labels and comments. */
export const README_SCOPES = ['write:repository', 'write:issue', 'read:user', 'read:organization']

export function liveSettings(env: NodeJS.ProcessEnv = process.env): LiveSettings | null {
  const url = env.LIVE_FORGE_URL?.replace(/\/+$/, '')
  const token = env.LIVE_FORGE_TOKEN
  if (!url || !token) return null
  return {
    url,
    token,
    runsOn: env.LIVE_FORGE_RUNS_ON || undefined,
    scopes: env.LIVE_BOT_SCOPES ? env.LIVE_BOT_SCOPES.split(',') : README_SCOPES,
    keep: env.LIVE_KEEP === '1',
    oldRunsOn: env.LIVE_FORGE_OLD_RUNS_ON || undefined
  }
}

interface Scratch {
  org: string
  bot: { name: string; token: string }
  reviewer: string
}

/**
 * The arena on a live Gitea or Forgejo: a scratch organisation and users made through the
 * forge's own API with an admin's token, templates seeded by git, and the action pointed at a
 * loopback proxy (forge-proxy.ts) so that its requests are counted and a race can be staged.
 * Everything it made is removed on close: the repositories, the organisation, the users.
 */
export class LiveArena implements Arena {
  readonly family = 'gitea' as const
  private readonly made = new Set<string>()

  private constructor(
    private readonly client: LiveClient,
    private readonly proxy: ForgeProxy,
    private readonly scratch: Scratch,
    private readonly settings: LiveSettings,
    readonly label: string
  ) {}

  static async open(settings: LiveSettings): Promise<LiveArena> {
    const client = new LiveClient(settings.url, settings.token)
    const { data } = await client.call('GET', '/version')
    const version = String((data as { version?: unknown }).version ?? '?')
    const label = `${/\+gitea/.test(version) ? 'forgejo' : 'gitea'} ${version}`
    const scratch = await makeScratch(client, settings.scopes)
    const proxy = await ForgeProxy.start(settings.url)
    return new LiveArena(client, proxy, scratch, settings, label)
  }

  get owner(): string {
    return this.scratch.org
  }

  get runsBuilds(): boolean {
    return this.settings.runsOn !== undefined
  }

  /** A runner that predates node24, when LIVE_FORGE_OLD_RUNS_ON names one. */
  get oldRunsOn(): string | undefined {
    return this.settings.oldRunsOn
  }

  get runsOn(): string {
    return this.settings.runsOn ?? 'ubuntu-latest'
  }

  /** The reviewer the arena made (a read collaborator of every template). */
  get reviewer(): string {
    return this.scratch.reviewer
  }

  get bot(): string {
    return this.scratch.bot.name
  }

  async template(name: string, spec: TemplateSpec = {}): Promise<string> {
    const { pin = '0.1.0', workflow = true } = spec
    const fullName = `${this.owner}/${name}`
    await this.client.call('POST', `/orgs/${this.owner}/repos`, {
      name,
      private: spec.hidden === true,
      auto_init: false,
      default_branch: 'main'
    })
    this.made.add(fullName)
    const path = typeof workflow === 'string' ? workflow : '.github/workflows/publish-image.yml'
    await this.client.seed(fullName, {
      'README.md': `# ${name}\n`,
      ...(workflow ? { [path]: publishWorkflow(this.runsOn, spec.jobs) } : {}),
      ...(pin === null ? {} : { '.runtime-version': `${pin}\n` }),
      ...spec.files
    })
    await this.settled(fullName)
    if (!spec.hidden && !spec.readOnly) await this.collaborator(fullName, this.bot, 'write')
    await this.collaborator(fullName, this.reviewer, 'read')
    if (spec.protectBranch) await this.protect(fullName, spec.protectBranch, spec.requiredChecks ?? [])
    for (const label of spec.labels ?? [])
      await this.client.call('POST', `/repos/${fullName}/labels`, { name: label, color: '#336699' })
    return fullName
  }

  /**
   * Gitea takes a first push in through a queue: until that has run, the repository still answers
   * `empty: true` (and its commits 409 "Git Repository is empty."). Wait for it, 10 s at most.
   */
  private async settled(fullName: string): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const { data } = await this.client.call('GET', `/repos/${fullName}`)
      if ((data as { empty?: unknown }).empty === false) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`${fullName} still answers empty: true 10 s after its first push`)
  }

  private async collaborator(fullName: string, user: string, permission: 'read' | 'write'): Promise<void> {
    await this.client.call('PUT', `/repos/${fullName}/collaborators/${user}`, { permission })
  }

  private async protect(fullName: string, branch: string, checks: string[]): Promise<void> {
    await this.client.call('POST', `/repos/${fullName}/branch_protections`, {
      branch_name: branch,
      rule_name: branch,
      enable_push: false,
      enable_status_check: checks.length > 0,
      status_check_contexts: checks
    })
  }

  async rename(fullName: string, newName: string): Promise<string> {
    await this.client.call('PATCH', `/repos/${fullName}`, { name: newName })
    const to = `${this.owner}/${newName}`
    this.made.delete(fullName)
    this.made.add(to)
    return to
  }

  async commit(fullName: string, files: Record<string, string>, message: string, branch = 'main'): Promise<void> {
    const changes = await Promise.all(
      Object.entries(files).map(async ([path, content]) => {
        const { status, data } = await this.client.call(
          'GET',
          `/repos/${fullName}/contents/${path}?ref=${encodeURIComponent(branch)}`,
          undefined,
          { ok: [404] }
        )
        const sha = status === 404 ? undefined : String((data as { sha?: unknown }).sha)
        const content64 = Buffer.from(content).toString('base64')
        return sha
          ? { operation: 'update', path, content: content64, sha }
          : { operation: 'create', path, content: content64 }
      })
    )
    const author = { name: 'Someone Else', email: 'someone@example.com' }
    await this.client.call('POST', `/repos/${fullName}/contents`, { branch, message, files: changes, author })
  }

  before(match: Match, hook: () => Promise<void>): void {
    this.proxy.before(match, hook)
  }

  requests(match: Match = {}) {
    return this.proxy.count(match)
  }

  async file(fullName: string, path: string, branch = 'main'): Promise<string | null> {
    const url = `/repos/${fullName}/raw/${path}?ref=${encodeURIComponent(branch)}`
    const { status, data } = await this.client.call('GET', url, undefined, { ok: [404] })
    if (status === 404) return null
    return typeof data === 'string' ? data : JSON.stringify(data)
  }

  async subjects(fullName: string, branch = 'main'): Promise<string[]> {
    const query = `sha=${encodeURIComponent(branch)}&stat=false&verification=false&files=false`
    const rows = await this.client.all(`/repos/${fullName}/commits?${query}`)
    return rows.map((r) => String((r.commit as { message?: unknown }).message ?? '').split('\n')[0])
  }

  async branches(fullName: string): Promise<string[]> {
    return (await this.client.all(`/repos/${fullName}/branches`)).map((b) => String(b.name)).sort()
  }

  async pulls(fullName: string): Promise<PullView[]> {
    const rows = await this.client.all(`/repos/${fullName}/pulls?state=all`)
    const views = await Promise.all(rows.map((row) => this.pullView(fullName, row)))
    return views.sort((a, b) => a.number - b.number)
  }

  private async pullView(fullName: string, row: Record<string, unknown>): Promise<PullView> {
    const number = Number(row.number)
    const comments = await this.client.all(`/repos/${fullName}/issues/${number}/comments`)
    const names = (list: unknown, field: string) =>
      Array.isArray(list) ? list.map((x) => String((x as Record<string, unknown>)[field])) : []
    return {
      number,
      state: row.state === 'closed' ? 'closed' : 'open',
      merged: row.merged === true,
      title: String(row.title),
      head: String((row.head as { ref?: unknown }).ref),
      labels: names(row.labels, 'name'),
      assignees: names(row.assignees, 'login'),
      comments: comments.map((c) => String(c.body)),
      ...(typeof row.merge_commit_sha === 'string' ? { mergeCommit: row.merge_commit_sha } : {})
    }
  }

  async closePull(fullName: string, n: number): Promise<void> {
    await this.client.call('PATCH', `/repos/${fullName}/pulls/${n}`, { state: 'closed' })
  }

  /**
   * The runs, from the runs API (Gitea 1.25+: started_at, completed_at), else the task list
   * (Gitea 1.23+, Forgejo: a task is one job, so a run is its tasks together), else null (1.22).
   */
  async builds(fullName: string): Promise<BuildRecord[] | null> {
    const time = (t: unknown) => (typeof t === 'string' && !t.startsWith('0001') ? Date.parse(t) : null)
    const runs = await this.client.call('GET', `/repos/${fullName}/actions/runs?limit=50`, undefined, { ok: [404] })
    if (runs.status !== 404) {
      const rows = ((runs.data as { workflow_runs?: unknown[] }).workflow_runs ?? []) as Array<Record<string, unknown>>
      return rows.map((r) => ({
        sha: String(r.head_sha),
        done: r.status === 'completed',
        start: time(r.started_at),
        end: time(r.completed_at)
      }))
    }
    const tasks = await this.client.call('GET', `/repos/${fullName}/actions/tasks?limit=50`, undefined, { ok: [404] })
    if (tasks.status === 404) return null
    const rows = ((tasks.data as { workflow_runs?: unknown[] }).workflow_runs ?? []) as Array<Record<string, unknown>>
    const byRun = new Map<string, Array<Record<string, unknown>>>()
    for (const t of rows) byRun.set(String(t.url), [...(byRun.get(String(t.url)) ?? []), t])
    return [...byRun.values()].map((jobs) => ({
      sha: String(jobs[0].head_sha),
      done: jobs.every((j) => !['running', 'waiting', 'blocked'].includes(String(j.status))),
      start: Math.min(...jobs.map((j) => time(j.run_started_at) ?? Infinity)),
      end: Math.max(...jobs.map((j) => time(j.updated_at) ?? 0))
    }))
  }

  run(inputs: Record<string, string>) {
    return runAction(inputs)
  }

  /**
   * The action as a platform team uses it: this checkout's action.yml, node20/ and dist/ pushed to
   * `<owner>/runtime-cascade`, and a release repository whose workflow runs it (`uses:
   * <owner>/runtime-cascade@main`, resolved on the forge itself: DEFAULT_ACTIONS_URL = self) with
   * the bot's token as a secret, on the forge's own runner. Resolves with the workflow's combined
   * commit status (success, failure, error) once it has one, at most three minutes on.
   */
  async releaseWorkflow(
    name: string,
    inputs: Record<string, string>,
    where: { runsOn?: string; entry?: 'node20' } = {}
  ): Promise<string> {
    const step = Object.entries({ token: '${{ secrets.CASCADE_TOKEN }}', ...inputs }).map(
      ([k, v]) => `          ${k}: ${JSON.stringify(v)}`
    )
    const workflow = ['on: push', 'jobs:', '  cascade:', `    runs-on: ${where.runsOn ?? this.runsOn}`, '    steps:']
    const uses = `${this.owner}/runtime-cascade${where.entry ? `/${where.entry}` : ''}@main`
    workflow.push(`      - uses: ${uses}`, '        with:', ...step, '')
    return this.workflow(name, workflow.join('\n'))
  }

  /**
   * A release repository `name` whose one workflow is `yaml`, run on push, with the bot's token as
   * the secret CASCADE_TOKEN and the action published as `<owner>/runtime-cascade@main`; resolves
   * with the workflow's combined commit status.
   */
  async workflow(name: string, yaml: string): Promise<string> {
    if (!this.made.has(`${this.owner}/runtime-cascade`)) await this.publishAction()
    const release = `${this.owner}/${name}`
    await this.client.call('POST', `/orgs/${this.owner}/repos`, { name, auto_init: false, default_branch: 'main' })
    this.made.add(release)
    await this.client.call('PUT', `/repos/${release}/actions/secrets/CASCADE_TOKEN`, { data: this.scratch.bot.token })
    await this.client.seed(release, { '.gitea/workflows/cascade.yml': yaml }, 'main', 'release')
    // Until the push is taken in, Gitea 1.22.6 answers the status 500 "no open git repo found in context".
    await this.settled(release)
    return this.combinedStatus(release)
  }

  /** Each job's commit status on the release repository `name`, by its context ("cascade / report (push)"). */
  async jobStates(name: string): Promise<Record<string, string>> {
    const { data } = await this.client.call('GET', `/repos/${this.owner}/${name}/commits/main/status`)
    const rows = ((data as { statuses?: unknown[] }).statuses ?? []) as Array<{ context?: string; status?: string }>
    return Object.fromEntries(rows.map((r) => [String(r.context), String(r.status)]))
  }

  /** Whether the forge holds `actions/<name>` (DEFAULT_ACTIONS_URL = self resolves `uses:` there). */
  async hasAction(name: string): Promise<boolean> {
    const { status } = await this.client.call('GET', `/repos/actions/${name}`, undefined, { ok: [404] })
    return status === 200
  }

  private async publishAction(): Promise<void> {
    const fullName = `${this.owner}/runtime-cascade`
    await this.client.call('POST', `/orgs/${this.owner}/repos`, { name: 'runtime-cascade', auto_init: false })
    this.made.add(fullName)
    const files = [
      'action.yml',
      'node20/action.yml',
      ...['index.js', 'package.json', 'sourcemap-register.cjs'].map((f) => `dist/${f}`)
    ]
    const read = await Promise.all(files.map((f) => readFile(join(PROJECT_ROOT, f))))
    await this.client.seed(fullName, Object.fromEntries(files.map((f, i) => [f, read[i]])))
  }

  private async combinedStatus(fullName: string): Promise<string> {
    for (let i = 0; i < 360; i++) {
      const { data } = await this.client.call('GET', `/repos/${fullName}/commits/main/status`, undefined, { ok: [404] })
      const state = String((data as { state?: unknown } | undefined)?.state ?? '')
      if (['success', 'failure', 'error'].includes(state)) return state
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    throw new Error(`${fullName}: its workflow had no final status within three minutes`)
  }

  inputs(templates: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      version: '1.2.3',
      templates,
      token: this.scratch.bot.token,
      owner: this.owner,
      'server-url': this.proxy.url,
      'api-url': `${this.proxy.url}/api/v1`,
      'retry-delay-ms': '200',
      ...extra
    }
  }

  /** Stops the proxy; what the arena made is removed by removeAll, once the forge is done with it. */
  async close(): Promise<void> {
    await this.proxy.close()
    if (!this.settings.keep) LEFT.push(this)
  }

  /**
   * Removes every closed arena's repositories, organisation and users, a few seconds after the
   * last scenario: Gitea processes a push in a queue after answering it, and deleting the
   * repository meanwhile can leave that queue's only worker stuck for good (seen on Gitea 1.25.4:
   * a push_update worker waiting on `git cat-file --batch` of a deleted repository, after which no
   * push was processed and every new repository answered `empty: true` until a restart).
   */
  static async removeAll(graceMs = 5000): Promise<void> {
    if (LEFT.length === 0) return
    await new Promise((resolve) => setTimeout(resolve, graceMs))
    for (const arena of LEFT.splice(0)) await arena.remove()
  }

  private async remove(): Promise<void> {
    for (const fullName of this.made) await this.client.call('DELETE', `/repos/${fullName}`, undefined, { ok: [404] })
    await this.client.call('DELETE', `/orgs/${this.owner}`, undefined, { ok: [404] })
    for (const user of [this.bot, this.reviewer])
      await this.client.call('DELETE', `/admin/users/${user}?purge=true`, undefined, { ok: [404] })
  }
}

/** A scratch organisation, the bot (its token with `scopes`) and a reviewer, named so they cannot clash. */
async function makeScratch(client: LiveClient, scopes: string[]): Promise<Scratch> {
  const id = randomBytes(3).toString('hex')
  const org = `rcl-${id}`
  await client.call('POST', '/orgs', { username: org, visibility: 'public' })
  const password = `Pw-${randomBytes(12).toString('hex')}`
  const user = async (name: string) =>
    client.call('POST', '/admin/users', {
      username: name,
      email: `${name}@example.com`,
      password,
      must_change_password: false,
      send_notify: false
    })
  const bot = `${org}-bot`
  const reviewer = `${org}-rev`
  await user(bot)
  await user(reviewer)
  const { data } = await client.call(
    'POST',
    `/users/${bot}/tokens`,
    { name: 'cascade', scopes },
    { basic: { user: bot, password } }
  )
  return { org, bot: { name: bot, token: String((data as { sha1?: unknown }).sha1) }, reviewer }
}
