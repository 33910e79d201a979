import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { GRAPHQL_PATH } from '../../test-support/forge/requests.js'
import { runAction } from '../../test-support/run-action.js'
import { apiWrites, fileAt, inputsFor, isGraphqlQuery, resultsOf, template } from '../../test-support/scenario.js'

// On GitHub the look-up round goes out as GraphQL batches before the first write; what a batch
// cannot answer exactly is looked up through REST, and the results are the REST look-up's.
let forge: TestForge
forgeForEachTest((f) => (forge = f), { flavour: 'github' })

const LIST = 'stale pinned archived mirror empty no-workflow tpl-old missing hidden linked'

/** One template of each kind the look-up decides on. */
async function mixed(on: TestForge): Promise<void> {
  await template(on, 'stale')
  await template(on, 'pinned', { pin: '1.2.3' })
  await template(on, 'archived', { archived: true })
  await template(on, 'mirror', { mirror: true })
  await on.createRepo('acme/empty', { empty: true })
  await template(on, 'no-workflow', { workflow: false })
  await on.store.rename(on.repo(await template(on, 'tpl-old')), 'acme/tpl-moved')
  await template(on, 'hidden', { hidden: true })
  await template(on, 'linked', {
    pin: null,
    files: { 'versions/current': '0.1.0\n' },
    symlinks: { '.runtime-version': 'versions/current' }
  })
}

const restLookUps = (on: TestForge) =>
  on.requests.filter((r) => r.kind === 'api' && r.method === 'GET' && r.repo !== null).length

describe('the look-up on GitHub, in GraphQL batches', () => {
  it('decides every kind of template exactly as the REST look-up does', async () => {
    await mixed(forge)
    const rest = await TestForge.start({ flavour: 'github' })
    try {
      await mixed(rest)
      // Every GraphQL query fails there: each template is looked up through REST.
      rest.fault({ kind: 'api', path: /graphql/ }, { status: 503 })
      const [viaGraphql, viaRest] = [
        await runAction(inputsFor(forge, LIST, { 'retry-delay-ms': '10' })),
        await runAction(inputsFor(rest, LIST, { 'retry-delay-ms': '10' }))
      ]
      const rows = (run: typeof viaRest) => resultsOf(run.outputs).map((r) => [r.template, r.status, r.reason])
      expect(rows(viaGraphql)).toEqual(rows(viaRest))
      expect(rows(viaGraphql).map((r) => r[1])).toEqual([
        'updated',
        'unchanged',
        'skipped',
        'skipped',
        'skipped',
        'skipped',
        'updated',
        'failed',
        'failed',
        'failed'
      ])
      expect(viaRest.stdout).toMatch(
        /look-up: 0 of 10 template\(s\) in 1 GraphQL query; through REST: 10 a query failed/
      )
      // Missing and hidden are confirmed through REST; the other eight need no REST look-up at all.
      expect(viaGraphql.stdout).toMatch(/look-up: 8 of 10 template\(s\) in 1 GraphQL query; through REST: 2 not found/)
      expect(await fileAt(forge, 'acme/tpl-moved', '.runtime-version')).toBe('1.2.3\n')
      expect(restLookUps(forge)).toBeLessThan(restLookUps(rest) / 4)
    } finally {
      await rest.close()
    }
  })

  // Four reads a template (the three default probe paths and the pin), at most 300 a query: 75 templates a query.
  it('a re-run of 160 pinned templates costs three GraphQL queries and the token check, nothing else', async () => {
    const names = Array.from({ length: 160 }, (_, i) => `t${i}`)
    for (const name of names) await template(forge, name, { pin: '1.2.3' })
    const run = await runAction(inputsFor(forge, names.join(' '), { concurrency: '16' }))
    expect(run.exitCode).toBe(0)
    expect(new Set(resultsOf(run.outputs).map((r) => r.status))).toEqual(new Set(['unchanged']))
    const api = forge.requests.filter((r) => r.kind === 'api')
    expect(api.filter(isGraphqlQuery)).toHaveLength(3)
    // Said before the first write: what the look-up took, and that nothing is left to spend.
    expect(run.stdout).toMatch(
      /GitHub quota: the look-up took 3 GraphQL point\(s\) in 3 queries \(4997 of 5000 left\); 0 template\(s\) to pin: about 0 REST request\(s\) \(\d+ of 5000 left until \S+Z\)/
    )
    expect(api.map((r) => r.path).filter((p) => p !== GRAPHQL_PATH)).toEqual(['/api/v3/user', '/api/v3/rate_limit'])
  })

  it('the bump branch, its pins and its parents come in the same query (pull-request mode)', async () => {
    await template(forge, 'a')
    await template(forge, 'b')
    const first = await runAction(inputsFor(forge, 'a b', { mode: 'pull-request' }))
    expect(resultsOf(first.outputs).map((r) => r.status)).toEqual(['pr-opened', 'pr-opened'])
    const before = forge.requests.length
    const again = await runAction(inputsFor(forge, 'a b', { mode: 'pull-request' }))
    expect(resultsOf(again.outputs).map((r) => r.status)).toEqual(['pr-exists', 'pr-exists'])
    const rerun = forge.requests.slice(before).filter((r) => r.kind === 'api')
    expect(rerun.filter(isGraphqlQuery)).toHaveLength(1)
    // The files, both branches' tips and the bump tip's parents (is it on the base?) came in the
    // query: REST only lists each one's pull requests (which the query does not ask).
    expect(rerun.filter((r) => r.path !== GRAPHQL_PATH).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v3/user',
      'GET /api/v3/rate_limit',
      'GET /api/v3/repos/acme/a/pulls',
      'GET /api/v3/repos/acme/b/pulls'
    ])
    expect(apiWrites(forge).length).toBeGreaterThan(0)
  })

  it('GraphQL’s own quota spent (200 with RATE_LIMITED): the batch goes to REST, the run stays green', async () => {
    for (const name of ['a', 'b', 'c']) await template(forge, name)
    forge.github.graphqlRemaining = 0
    const run = await runAction(inputsFor(forge, 'a b c'))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated', 'updated'])
    expect(run.stdout).toMatch(/through REST: 3 a query failed \(GitHub's GraphQL rate limit: API rate limit exceeded/)
  })

  it('a batch that fails for a while is retried, then answered: no REST look-up', async () => {
    for (const name of ['a', 'b']) await template(forge, name)
    forge.fault({ kind: 'api', path: /graphql/ }, { status: 503 }, 1)
    const run = await runAction(inputsFor(forge, 'a b', { 'retry-delay-ms': '10' }))
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated'])
    expect(run.stdout).toMatch(/look-up: 2 of 2 template\(s\) in 1 GraphQL query/)
    expect(forge.count({ kind: 'api', path: /graphql/ })).toBe(2)
  })
})

// GitHub ends a request it cannot finish in 10 seconds, and aliased queries for about a hundred
// repositories meet that (the sources are beside GithubState.queryTime). Scaled down here: 10 ms
// a repository against a 500 ms deadline, so a query of more than 50 repositories is cut.
describe('GraphQL batches that GitHub cuts at its deadline', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`)

  it('halves asked again, the next sizes follow the answers, no REST look-up, every point counted', async () => {
    for (const name of names(150)) await template(forge, name, { pin: '1.2.3' })
    forge.github.queryTime = { msPerRepository: 10, deadlineMs: 500, cut: 'gateway-json' }
    const run = await runAction(inputsFor(forge, names(150).join(' '), { concurrency: '16' }))
    expect(run.exitCode).toBe(0)
    expect(new Set(resultsOf(run.outputs).map((r) => r.status))).toEqual(new Set(['unchanged']))
    // Two batches of 75 (four reads each, 300 a query) are cut; their halves are answered.
    expect(forge.requests.filter(isGraphqlQuery)).toHaveLength(6)
    expect(restLookUps(forge)).toBe(0)
    expect(run.stdout).toMatch(/look-up: 150 of 150 template\(s\) in 6 GraphQL queries \(2 cut by GitHub's time limit/)
    // What the run says it spent is what the forge charged, the cut queries included.
    const charged = 5000 - forge.github.graphqlRemaining
    expect(run.stdout).toContain(`the look-up took ${charged} GraphQL point(s) in 6 queries, 2 of them cut`)
  })

  it.each(['gateway-html', 'in-time'] as const)(
    'cut as %s: told apart from a refusal, split the same way',
    async (cut) => {
      for (const name of names(20)) await template(forge, name, { pin: '1.2.3' })
      forge.github.queryTime = { msPerRepository: 40, deadlineMs: 500, cut }
      const run = await runAction(inputsFor(forge, names(20).join(' ')))
      expect(run.exitCode).toBe(0)
      expect(forge.requests.filter(isGraphqlQuery)).toHaveLength(3)
      expect(restLookUps(forge)).toBe(0)
      expect(run.stdout).toMatch(/look-up: 20 of 20 template\(s\) in 3 GraphQL queries \(1 cut/)
    }
  )

  it('a repository too slow even alone goes to REST, after a bounded number of halvings', async () => {
    for (const name of names(4)) await template(forge, name)
    forge.github.queryTime = { msPerRepository: 300, deadlineMs: 200, cut: 'gateway-json' }
    const run = await runAction(inputsFor(forge, names(4).join(' ')))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated', 'updated', 'updated'])
    // 4, then 2 and 2, then 1, 1, 1 and 1: seven queries, then each template through REST.
    expect(forge.requests.filter(isGraphqlQuery)).toHaveLength(7)
    expect(run.stdout).toMatch(/through REST: 4 cut by GitHub even alone/)
  })

  it('pull-request mode asks two branches a repository: the cost GitHub scores, counted as it charges', async () => {
    for (const name of names(120)) await template(forge, name, { pin: '1.2.3' })
    // No probe: one read a branch, two a repository, so a query holds 100 repositories.
    const inputs = { mode: 'pull-request', 'probe-path': '' }
    const run = await runAction(inputsFor(forge, names(120).join(' '), inputs))
    expect(run.exitCode).toBe(0)
    // 100 repositories × two `parents` connections: 200 requests, 2 points; then 20: 1 point.
    expect(5000 - forge.github.graphqlRemaining).toBe(3)
    expect(run.stdout).toContain('the look-up took 3 GraphQL point(s) in 2 queries (4997 of 5000 left)')
  })
})
