import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, history, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

const HEAD = 'bump/runtime-1.2.3'
const PIN = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'
const prMode = (extra: Record<string, string> = {}) => ({ mode: 'pull-request', ...extra })

let forge: TestForge
beforeEach(async () => {
  forge = await TestForge.start()
})
afterEach(async () => {
  await forge.close()
})

async function protectedTemplate(name: string): Promise<string> {
  return template(forge, name, { protectBranch: 'main' })
}

const pulls = (fullName: string) => forge.repo(fullName).pulls
const subjects = async (fullName: string, branch?: string) =>
  (await history(forge, fullName, branch)).map((l) => l.split('|')[2])

describe('pull-request mode', () => {
  it('push mode fails on a protected default branch; pull-request mode opens a PR instead', async () => {
    const t = await protectedTemplate('tpl-a')
    const pushRun = await runAction(inputsFor(forge, 'tpl-a'))
    expect(resultsOf(pushRun.outputs)[0].reason).toContain('Not allowed to push to protected branch main')

    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))

    expect(run.exitCode).toBe(0)
    const [result] = resultsOf(run.outputs)
    expect(result).toMatchObject({ status: 'pr-opened', branch: HEAD, attempts: 1 })
    expect(result.reason).toBe('opened #1: pinned 1.2.3 (was 0.1.0)')
    expect(await subjects(t)).toEqual(['initial commit']) // main untouched
    expect(await subjects(t, HEAD)).toEqual([PIN, 'initial commit']) // cut from main
    expect(await fileAt(forge, t, '.runtime-version', HEAD)).toBe('1.2.3\n')
    expect(pulls(t)).toEqual([
      expect.objectContaining({
        number: 1,
        head: HEAD,
        base: 'main',
        title: 'chore: pin runtime to 1.2.3',
        state: 'open',
        body: expect.stringContaining('1.2.3')
      })
    ])
    expect(JSON.parse(run.outputs['pull-requests'])).toEqual([
      { template: 'acme/tpl-a', number: 1, url: `${forge.url}/acme/tpl-a/pulls/1` }
    ])
    expect(run.summary).toContain(`[#1](${forge.url}/acme/tpl-a/pulls/1)`)
    expect(run.outputs['updated-templates']).toBe('')
  })

  it('a re-run reports the existing PR and pushes nothing', async () => {
    const t = await protectedTemplate('tpl-a')
    await runAction(inputsFor(forge, 'tpl-a', prMode()))
    const receivePacks = forge.count({ service: 'receive-pack', phase: 'rpc' })

    const rerun = await runAction(inputsFor(forge, 'tpl-a', prMode()))

    expect(resultsOf(rerun.outputs)[0]).toMatchObject({
      status: 'pr-exists',
      commit: null,
      reason: '#1 already open: pinned 1.2.3 (was 0.1.0)'
    })
    expect(forge.count({ service: 'receive-pack', phase: 'rpc' })).toBe(receivePacks)
    expect(pulls(t)).toHaveLength(1)
    expect(JSON.parse(rerun.outputs['pull-requests'])).toEqual([
      { template: 'acme/tpl-a', number: 1, url: `${forge.url}/acme/tpl-a/pulls/1` }
    ])
  })

  it("answers GitHub's 422 for a duplicate the same way", async () => {
    await forge.close()
    forge = await TestForge.start({ flavour: 'github' })
    const t = await protectedTemplate('tpl-a')
    await runAction(inputsFor(forge, 'tpl-a', prMode()))
    const rerun = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(statusOf(rerun.outputs)).toEqual({ 'acme/tpl-a': 'pr-exists' })
    expect(pulls(t)).toHaveLength(1)
  })

  it('retries the POST on 5xx, then opens exactly one PR', async () => {
    const t = await protectedTemplate('tpl-a')
    forge.fault({ kind: 'api', method: 'POST', path: /\/pulls$/ }, { status: 502 }, 2)
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'pr-opened' })
    expect(forge.count({ method: 'POST', path: /\/pulls$/ })).toBe(3)
    expect(pulls(t)).toHaveLength(1)
  })

  it('a POST whose answer was lost finds the PR it did open, not a second one', async () => {
    const t = await protectedTemplate('tpl-a')
    forge.fault({ kind: 'api', method: 'POST', path: /\/pulls$/ }, 'swallow', 1)
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'pr-exists' })
    expect(pulls(t)).toHaveLength(1)
    expect(JSON.parse(run.outputs['pull-requests'])[0].number).toBe(1)
  })

  it('brings its own bump branch up to date without force when the base moved', async () => {
    const t = await protectedTemplate('tpl-a')
    await runAction(inputsFor(forge, 'tpl-a', prMode()))
    const oldHead = await forge.store.resolve(forge.repo(t), `refs/heads/${HEAD}`)
    await forge.store.commit(forge.repo(t), { 'app.py': 'print(2)\n' }, 'feat: main moved on')

    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))

    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'pr-exists', attempts: 1 })
    const meta = forge.repo(t)
    const parents = (await forge.store.git(meta.dir, ['log', '-1', '--format=%P', `refs/heads/${HEAD}`]))
      .trim()
      .split(' ')
    const mainTip = await forge.store.resolve(meta, 'refs/heads/main')
    expect(parents).toEqual([mainTip, oldHead]) // a fast-forward of the old head, on the new base
    expect(await fileAt(forge, t, 'app.py', HEAD)).toBe('print(2)\n')
    expect(await fileAt(forge, t, '.runtime-version', HEAD)).toBe('1.2.3\n')
    expect(pulls(t)).toHaveLength(1)
  })

  it("leaves a bump branch with someone else's commits alone, and says so", async () => {
    const t = await protectedTemplate('tpl-a')
    await runAction(inputsFor(forge, 'tpl-a', prMode()))
    // A maintainer adds a fix-up on top of the cascade's commit.
    const meta = forge.repo(t)
    await forge.store.git(meta.dir, ['update-ref', 'refs/heads/main-backup', 'refs/heads/main'])
    const ref = meta.defaultBranch
    meta.defaultBranch = HEAD
    await forge.store.commit(meta, { 'fixup.txt': 'by hand\n' }, 'fix: by a maintainer')
    meta.defaultBranch = ref
    const before = await forge.store.resolve(meta, `refs/heads/${HEAD}`)

    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))

    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe('pr-exists')
    expect(result.reason).toMatch(/has commits the cascade did not make; it holds the pin, so it was left as it is/)
    expect(await forge.store.resolve(meta, `refs/heads/${HEAD}`)).toBe(before)
  })

  it('fails clearly on a foreign bump branch that does not pin the version', async () => {
    const t = await protectedTemplate('tpl-a')
    const meta = forge.repo(t)
    await forge.store.git(meta.dir, ['branch', HEAD, 'main'])
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed' })
    expect(resultsOf(run.outputs)[0].reason).toMatch(
      /exists with commits the cascade did not make and does not pin 1.2.3; merge or delete it/
    )
    expect(pulls(t)).toHaveLength(0)
  })

  it('opens nothing for a template already pinned on its default branch', async () => {
    const t = await template(forge, 'tpl-a', { pin: '1.2.3', protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'unchanged' })
    expect(pulls(t)).toHaveLength(0)
    expect(forge.count({ kind: 'git' })).toBe(0)
  })

  it('dry run says what it would open and opens nothing', async () => {
    const t = await protectedTemplate('tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode({ 'dry-run': 'true' })))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'would-update',
      reason: `would push ${HEAD} and open a pull request into main`
    })
    expect(pulls(t)).toHaveLength(0)
    expect(forge.count({ service: 'receive-pack' })).toBe(0)
  })
})

describe('downgrade policy', () => {
  it.each([
    ['allow', 'updated', /^pinned 1\.2\.3 \(was 2\.0\.0\); a downgrade from 2\.0\.0$/, '1.2.3\n'],
    ['skip', 'skipped', /^pin 2\.0\.0 is newer$/, '2.0.0\n'],
    ['fail', 'failed', /^pin 2\.0\.0 is newer than 1\.2\.3 \(downgrade: fail\)$/, '2.0.0\n']
  ])('%s: a lower version is %s', async (policy, status, reason, pinned) => {
    const t = await template(forge, 'tpl-a', { pin: '2.0.0' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { downgrade: policy }))
    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe(status)
    expect(result.reason).toMatch(reason)
    expect(await fileAt(forge, t, '.runtime-version')).toBe(pinned)
    expect(run.exitCode).toBe(status === 'failed' ? 1 : 0)
  })

  it('compares PEP 440 versions (1.2.3 is newer than 1.2.3rc1)', async () => {
    const t = await template(forge, 'tpl-a', { pin: '1.2.3rc1' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { downgrade: 'fail' }))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'updated' })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })

  it('writes the pin and says so when the versions cannot be compared', async () => {
    const t = await template(forge, 'tpl-a', { pin: 'nightly' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { downgrade: 'fail' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was nightly); versions could not be compared (nightly → 1.2.3)'
    })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })
})

describe('pull-request mode faults', () => {
  it('a token rejected at the pull request stops the run with the one token error', async () => {
    const t = await protectedTemplate('tpl-a')
    forge.fault({ kind: 'api', method: 'POST', path: /\/pulls$/ }, { status: 401, body: { message: 'token expired' } })
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
      expect.stringMatching(/^::error::the token was rejected by /)
    ])
    expect(pulls(t)).toHaveLength(0)
  })

  it('a pull request the forge will not open fails that template, saying the branch is pushed', async () => {
    const t = await protectedTemplate('tpl-a')
    forge.fault(
      { kind: 'api', method: 'POST', path: /\/pulls$/ },
      { status: 403, body: { message: 'pull requests are disabled for this repository' } }
    )
    const run = await runAction(inputsFor(forge, 'tpl-a', prMode()))
    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe('failed')
    expect(result.reason).toBe(
      `${HEAD} is pushed, but the pull request could not be opened: HTTP 403: pull requests are disabled for this repository`
    )
    expect(await fileAt(forge, t, '.runtime-version', HEAD)).toBe('1.2.3\n')
  })
})
