import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'
import { downloadedTo, downloads, handover, SHARD_FORGES, shardWorkflows } from '../../test-support/shard-workflows.js'

/**
 * Shards over a job matrix: three runs with `shard: i/3`, each writing its results file, then
 * `mode: report` over the directory the artifacts were downloaded to (one folder each).
 */
let forge: TestForge
let dir: string
forgeForEachTest((f) => (forge = f))
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shards-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const NAMES = ['tpl-a', 'tpl-b', 'tpl-c', 'tpl-d', 'tpl-e', 'tpl-f', 'tpl-pinned', 'tpl-typo']
const OUTPUTS = ['failed-templates', 'updated-templates', 'unchanged-templates', 'skipped-templates']

async function seed(): Promise<void> {
  for (const name of NAMES.filter((n) => n !== 'tpl-typo'))
    await template(forge, name, { pin: name === 'tpl-pinned' ? '1.2.3' : '0.1.0' })
}
const shardRun = (index: number, extra: Record<string, string> = {}) =>
  runAction(
    inputsFor(forge, NAMES.join(' '), {
      shard: `${index}/3`,
      'shard-results': join(dir, `artifact-${index}`),
      ...extra
    })
  )
// The report job: no token and no templates; server-url and api-url are the runner's own.
const reportRun = () =>
  runAction({
    version: '1.2.3',
    mode: 'report',
    'shard-results': dir,
    'server-url': forge.url,
    'api-url': forge.apiUrl
  })

describe('shards and the report', () => {
  it('every template in exactly one shard; the report equals an unsharded run on a copy', async () => {
    await seed()
    for (const name of NAMES.filter((n) => n !== 'tpl-typo'))
      await template(forge, `copy/${name}`, { pin: name === 'tpl-pinned' ? '1.2.3' : '0.1.0' })
    const shards = await Promise.all([1, 2, 3].map((i) => shardRun(i)))
    const covered = shards.flatMap((run) => resultsOf(run.outputs).map((r) => r.template))
    expect(covered.sort()).toEqual(NAMES.map((n) => `acme/${n}`).sort())
    const before = forge.requests.length
    const merged = await reportRun()
    // It merges files: not one request to the forge.
    expect(forge.requests.length).toBe(before)
    const unsharded = await runAction(inputsFor(forge, NAMES.join(' '), { owner: 'copy' }))
    const said = (run: typeof merged) =>
      [...OUTPUTS, 'results'].map((o) =>
        run.outputs[o].replace(/copy\//g, 'acme/').replace(/"commit":"[0-9a-f]+"/g, '"commit":"…"')
      )
    expect(said(merged)).toEqual(said(unsharded))
    expect(merged.outputs['failed-templates']).toBe('acme/tpl-typo')
    expect(merged.summary).toContain('6 updated, 1 unchanged, 1 failed')
    expect(merged.exitCode).toBe(1)
  })

  it('a shard missing makes the report fail, naming it; what the others found is still shown', async () => {
    await seed()
    await shardRun(1)
    await shardRun(3)
    const merged = await reportRun()
    expect(merged.exitCode).toBe(1)
    expect(merged.stdout).toMatch(/::error::the report is incomplete: shard 2\/3 is missing/)
    expect(resultsOf(merged.outputs).length).toBeGreaterThan(0)
  })

  it('a shard whose run stopped (a rejected token) makes the report fail, naming it', async () => {
    await seed()
    await shardRun(1)
    await shardRun(2, { token: 'wrong-token' })
    await shardRun(3)
    const merged = await reportRun()
    expect(merged.exitCode).toBe(1)
    expect(merged.stdout).toMatch(/shard 2\/3 stopped: the token was rejected/)
  })

  it('a shard file cut short: the report names the file and the shard, and still shows the others', async () => {
    await seed()
    for (const i of [1, 2, 3]) await shardRun(i)
    const file = join(dir, 'artifact-2', 'shard-2-of-3.json')
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 27))
    const merged = await reportRun()
    expect(merged.exitCode).toBe(1)
    expect(merged.stdout).toMatch(
      /::error::the report is incomplete: shard 2\/3: artifact-2\/shard-2-of-3\.json could not be read \(.*JSON.*\); its upload may have been cut short: run that shard again/
    )
    expect(merged.stdout).not.toMatch(/shard 2\/3 is missing/)
    expect(resultsOf(merged.outputs).length).toBeGreaterThan(0)
  })

  it('a bad shard input is refused before any request', async () => {
    const run = await runAction(inputsFor(forge, 'tpl-a', { shard: '4/3' }))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('shard: "4/3" is not i/n')
    expect(forge.requests).toEqual([])
  })
})

// docs/shards.md gives a workflow per forge; each hands the shards' files to the report through
// its own artifact actions, whose download layouts differ (test-support/shard-workflows.ts).
describe('the shard workflow of each forge, as docs/shards.md gives it', () => {
  it('the report reads the layout each workflow’s download makes, and merges every shard', async () => {
    await seed()
    for (const i of [1, 2, 3]) await shardRun(i)
    const workflows = shardWorkflows()
    for (const forgeName of SHARD_FORGES) {
      const h = handover(workflows[forgeName])
      const workspace = join(dir, `report-${forgeName}`)
      for (const i of [1, 2, 3]) {
        // Each shard job wrote into its own workspace's shard-results, which upload sends.
        expect([forgeName, h.upload.path.replace(/\/+$/, '')]).toEqual([forgeName, h.shardResults])
        const artifact = h.upload.name.replace('${{ matrix.shard }}', String(i))
        if (!downloads(h.download, artifact)) continue
        const to = join(workspace, downloadedTo(h.download, artifact))
        await mkdir(to, { recursive: true })
        await cp(join(dir, `artifact-${i}`), to, { recursive: true })
      }
      const merged = await runAction({
        version: '1.2.3',
        mode: 'report',
        'shard-results': join(workspace, h.reportReads),
        'server-url': forge.url,
        'api-url': forge.apiUrl
      })
      expect([forgeName, merged.outputs['failed-templates'], merged.stdout]).toEqual([
        forgeName,
        'acme/tpl-typo',
        expect.not.stringContaining('incomplete')
      ])
      expect([forgeName, resultsOf(merged.outputs).length]).toEqual([forgeName, NAMES.length])
    }
  })
})

describe('shards on one token (GitHub)', () => {
  let github: TestForge
  forgeForEachTest((f) => (github = f), { flavour: 'github' })

  it("two shards at once keep, together, under the token's content-creation limit: none refused", async () => {
    // Each shard takes half of the budget (the token is the shards'); on its own each would take
    // 75 a minute, and two would ask for more than GitHub's 80.
    const names = Array.from({ length: 100 }, (_, i) => `t${String(i).padStart(3, '0')}`)
    for (const name of names) await template(github, name)
    const shard = (i: number) =>
      runAction(
        inputsFor(github, names.join(' '), { shard: `${i}/2`, concurrency: '8', 'shard-results': join(dir, `s${i}`) })
      )
    const runs = await Promise.all([shard(1), shard(2)])
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0])
    expect(runs.flatMap((r) => resultsOf(r.outputs)).every((r) => r.status === 'updated')).toBe(true)
    expect(github.github.refusedWrites).toBe(0)
    const writes = github.requests
      .filter((r) => r.kind === 'api' && r.method !== 'GET' && r.path !== '/api/graphql')
      .map((r) => r.at)
    expect(Math.max(...writes.map((t) => writes.filter((u) => u >= t && u < t + 60_000).length))).toBeLessThanOrEqual(
      75
    )
    // What did not fit went through git, which that limit does not count.
    expect(github.count({ service: 'receive-pack', phase: 'rpc' })).toBeGreaterThan(0)
  })
})
