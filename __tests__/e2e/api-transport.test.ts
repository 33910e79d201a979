import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import {
  apiWrites,
  fileAt,
  gitRequests,
  inputsFor,
  PIN,
  resultFor,
  resultsOf,
  statusOf,
  subjects,
  template
} from '../../test-support/scenario.js'

let forge: TestForge
const CONTENTS = /\/contents\//

/**
 * The contents-API transport on Gitea: one run over templates that each meet one situation
 * (races and faults are set per repository), and an `it` for each.
 */
describe('the contents-API transport', () => {
  let run: ActionRun
  const commitBeforeWrite = (name: string, files: Record<string, string>, message: string) =>
    forge.before({ kind: 'api', method: 'PUT', repo: `acme/${name}` }, async () => {
      await forge.store.commit(forge.repo(`acme/${name}`), files, message)
    })
  beforeAll(async () => {
    forge = await TestForge.start()
    const names = [
      'plain',
      'unrelated',
      'changed',
      'pinned-meanwhile',
      'newer-meanwhile',
      'churn',
      'flaky',
      'lost',
      'protected',
      'archived',
      'read-only'
    ]
    for (const name of names) await template(forge, name, name === 'protected' ? { protectBranch: 'main' } : {})
    commitBeforeWrite('unrelated', { 'app.py': 'print(1)\n' }, 'feat: someone else')
    commitBeforeWrite('changed', { '.runtime-version': '0.5.0\n' }, 'chore: someone pinned 0.5.0')
    commitBeforeWrite('pinned-meanwhile', { '.runtime-version': '1.2.3\n' }, 'chore: meanwhile')
    commitBeforeWrite('newer-meanwhile', { '.runtime-version': '2.0.0\n' }, 'chore: meanwhile')
    let n = 0
    forge.before(
      { kind: 'api', method: 'PUT', repo: 'acme/churn' },
      async () =>
        void (await forge.store.commit(
          forge.repo('acme/churn'),
          { '.runtime-version': `0.${++n}.5\n` },
          `chore: busy ${n}`
        )),
      Infinity
    )
    forge.fault(
      { kind: 'api', method: 'PUT', repo: 'acme/flaky' },
      { status: 500, body: { message: 'UpdateFile: failed to push' } },
      1
    )
    forge.fault({ kind: 'api', method: 'PUT', repo: 'acme/lost' }, 'swallow', 1)
    // Archived and write access taken away after the look-up, so the write itself meets them.
    forge.before(
      { kind: 'api', method: 'PUT', repo: 'acme/archived' },
      async () => void (forge.repo('acme/archived').archived = true)
    )
    forge.before(
      { kind: 'api', method: 'PUT', repo: 'acme/read-only' },
      async () => void (forge.repo('acme/read-only').readOnly = true)
    )
    run = await runAction(
      inputsFor(forge, names.join(' '), { transport: 'api', 'max-attempts': '2', downgrade: 'skip' })
    )
  })
  afterAll(() => forge.close())

  it('updates with one write and zero git requests', async () => {
    expect(resultFor(run, 'plain')).toMatchObject({
      status: 'updated',
      attempts: 1,
      commit: await forge.store.resolve(forge.repo('acme/plain'), 'refs/heads/main')
    })
    expect(apiWrites(forge, 'acme/plain', CONTENTS)).toHaveLength(1)
    expect(gitRequests(forge)).toBe(0)
    expect(run.stdout).toMatch(/landed through the contents API: [0-9a-f]{12} on main/)
  })

  it('an unrelated commit pushed just before the write needs nothing: both kept, ours on top', async () => {
    expect(resultFor(run, 'unrelated')).toMatchObject({ status: 'updated', attempts: 1 })
    expect(await subjects(forge, 'acme/unrelated')).toEqual([PIN, 'feat: someone else', 'initial commit'])
    expect(await fileAt(forge, 'acme/unrelated', 'app.py')).toBe('print(1)\n')
  })

  it('the file changed between read and write: read again, judged again, written on the new sha', async () => {
    expect(resultFor(run, 'changed')).toMatchObject({
      status: 'updated',
      attempts: 2,
      // What the commit really replaced: the pin read again, not the first read.
      reason: 'pinned 1.2.3 (was 0.5.0) after 2 writes'
    })
    expect(run.stdout).toMatch(/a pin changed since it was read \(HTTP 422: sha does not match/)
    expect(await subjects(forge, 'acme/changed')).toEqual([PIN, 'chore: someone pinned 0.5.0', 'initial commit'])
    // A fresh read came between the two writes: never a blind second write.
    const [first, second] = apiWrites(forge, 'acme/changed', CONTENTS)
    const reads = forge.requests.filter(
      (r) => r.repo === 'acme/changed' && r.method === 'GET' && /contents\/\.runtime-version/.test(r.path)
    )
    expect(reads.filter((r) => r.at > first.at && r.at < second.at)).toHaveLength(1)
  })

  it('the file changed between read and write to the version: unchanged, no second write', async () => {
    expect(resultFor(run, 'pinned-meanwhile')).toMatchObject({
      status: 'unchanged',
      reason: 'already pinned to 1.2.3 on main',
      attempts: 1
    })
    expect(apiWrites(forge, 'acme/pinned-meanwhile', CONTENTS)).toHaveLength(1)
  })

  it('the file changed between read and write to a newer pin: the downgrade policy applies to what was read', async () => {
    expect(resultFor(run, 'newer-meanwhile')).toMatchObject({
      status: 'skipped',
      reason: 'pins 2.0.0, newer than 1.2.3 (downgrade: skip)',
      attempts: 1
    })
    expect(await fileAt(forge, 'acme/newer-meanwhile', '.runtime-version')).toBe('2.0.0\n')
  })

  it('a file that keeps changing: at most max-attempts writes, then it says so', async () => {
    expect(resultFor(run, 'churn')).toMatchObject({ status: 'failed', attempts: 2 })
    expect(resultFor(run, 'churn').reason).toMatch(/^gave up after 2 writes: HTTP 422: sha does not match/)
    expect(apiWrites(forge, 'acme/churn', CONTENTS)).toHaveLength(2)
  })

  it('a 500 from a push racing the write is transient: read back, then written once more', async () => {
    expect(resultFor(run, 'flaky')).toMatchObject({ status: 'updated', attempts: 2 })
    expect(await subjects(forge, 'acme/flaky')).toEqual([PIN, 'initial commit'])
  })

  it('a write whose answer was lost is read back and recognised, not written twice', async () => {
    expect(resultFor(run, 'lost')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was 0.1.0); the interrupted write had landed'
    })
    expect(resultFor(run, 'lost').commit).toBe(await forge.store.resolve(forge.repo('acme/lost'), 'refs/heads/main'))
    expect(apiWrites(forge, 'acme/lost', CONTENTS)).toHaveLength(1)
    expect(await subjects(forge, 'acme/lost')).toEqual([PIN, 'initial commit'])
  })

  it('a protected branch, an archived repository, a token without write access: fails at once with the forge’s words', async () => {
    expect(
      ['protected', 'archived', 'read-only'].map((n) => [
        resultFor(run, n).status,
        resultFor(run, n).reason,
        resultFor(run, n).attempts
      ])
    ).toEqual([
      ['failed', 'write refused: HTTP 403: user cannot commit to repo [user: cascade-bot]', 1],
      [
        'failed',
        `write refused: HTTP 423: <Repository ${forge.repo('acme/archived').id}:acme/archived> is archived`,
        1
      ],
      [
        'failed',
        'the token lacks write access to this repository (the forge said: HTTP 403: user should have a permission to write to this branch)',
        1
      ]
    ])
  })
})

describe('the contents-API transport on GitHub', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'github' })

  it('creates with PUT and no sha, updates with the sha, in subdirectories too; refusals in GitHub words', async () => {
    const created = await template(forge, 'tpl-new', { pin: null })
    const updated = await template(forge, 'tpl-old')
    await template(forge, 'tpl-protected', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-new tpl-old tpl-protected', { transport: 'api' }))
    expect(resultsOf(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['updated', 'pinned 1.2.3 (created .runtime-version)'],
      ['updated', 'pinned 1.2.3 (was 0.1.0)'],
      ['failed', 'write refused: HTTP 409: Could not update file: Changes must be made through a pull request.']
    ])
    expect(apiWrites(forge, undefined, CONTENTS).map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT'])
    for (const t of [created, updated]) expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
    // commit-signing: auto sends no author and no committer, so GitHub signs (for a bot token):
    // both are the token's account.
    const raw = await forge.store.git(forge.repo(updated).dir, ['log', '-1', '--format=%an|%cn', 'main'])
    expect(raw.trim()).toBe('cascade-bot|cascade-bot')
  })

  it('a stale sha is GitHub’s 409: read again and written again', async () => {
    const t = await template(forge, 'tpl-a')
    forge.before({ kind: 'api', method: 'PUT' }, async () => {
      await forge.store.commit(forge.repo(t), { '.runtime-version': '0.5.0\n' }, 'chore: meanwhile')
    })
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'api' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 2 })
    expect(run.stdout).toMatch(/changed since it was read \(HTTP 409: \.runtime-version does not match/)
  })

  it('pull-request mode over the API: the branch through POST /git/refs, the file on it, the pull request; main untouched', async () => {
    const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'api', mode: 'pull-request' }))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'pr-opened' })
    expect(
      apiWrites(forge)
        .filter((r) => r.method === 'POST')
        .map((r) => r.path)
    ).toEqual(['/api/v3/repos/acme/tpl-a/git/refs', '/api/v3/repos/acme/tpl-a/pulls'])
    expect(await fileAt(forge, t, '.runtime-version', 'bump/runtime-1.2.3')).toBe('1.2.3\n')
    expect(await fileAt(forge, t, '.runtime-version')).toBe('0.1.0\n')
    expect(gitRequests(forge)).toBe(0)
  })

  it(`under auto, a run past GitHub's content-creation budget lands the rest through git, never meeting the limit`, async () => {
    const names = Array.from({ length: 80 }, (_, i) => `t${String(i).padStart(2, '0')}`)
    for (const name of names) await template(forge, name, { workflow: '.github/workflows/publish-image.yml' })
    const run = await runAction(
      inputsFor(forge, names.join(' '), { concurrency: '8', 'probe-path': '.github/workflows/publish-image.yml' })
    )
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs).every((r) => r.status === 'updated')).toBe(true)
    // The forge's own records: never over 75 content writes in any minute, never refused; what
    // did not fit went through git (how many fit depends on how long the run took).
    const writes = apiWrites(forge, undefined, CONTENTS).map((w) => w.at)
    expect(Math.max(...writes.map((t) => writes.filter((u) => u >= t && u < t + 60_000).length))).toBeLessThanOrEqual(
      75
    )
    expect(forge.github.refusedWrites).toBe(0)
    const pushes = forge.count({ service: 'receive-pack', phase: 'rpc' })
    expect(writes.length + pushes).toBe(80)
    expect(pushes).toBeGreaterThan(0)
    expect(run.stdout).toContain(
      "GitHub's budget for content-creating requests is spent for now: the rest land through git"
    )
  })
})

describe('transport: auto, where the API cannot serve', () => {
  forgeForEachTest((f) => (forge = f))

  it.each([
    ['405', { status: 405, body: { message: 'Method Not Allowed' } }],
    ['a 404 for the route', { status: 404, body: { message: '404 page not found' } }]
  ])('a forge whose write endpoint answers %s: that template lands through git, saying why', async (_what, fault) => {
    const t = await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', method: 'PUT' }, fault)
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(run.stdout).toMatch(/the forge has no contents write here \(HTTP 40[45]: .*\): landing through git instead/)
    expect(forge.count({ service: 'receive-pack', phase: 'rpc' })).toBe(1)
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })

  it('with transport: api the same forge fails the template, saying so', async () => {
    await template(forge, 'tpl-a')
    forge.fault({ kind: 'api', method: 'PUT' }, { status: 405, body: { message: 'Method Not Allowed' } })
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'api' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'failed',
      reason: 'the forge has no contents write here (HTTP 405: Method Not Allowed)'
    })
    expect(gitRequests(forge)).toBe(0)
  })
})
