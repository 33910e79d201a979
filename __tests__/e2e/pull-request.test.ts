import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import {
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

const HEAD = 'bump/runtime-1.2.3'

let forge: TestForge

const protectedTemplate = (name: string) => template(forge, name, { protectBranch: 'main' })
const pulls = (fullName: string) => forge.repo(fullName).pulls
const pinWrites = () =>
  forge.count({ kind: 'api', method: 'PUT', path: /\/contents\// }) +
  forge.count({ kind: 'api', method: 'POST', path: /\/contents\// })

describe.each(['api', 'git'])('pull-request mode, through %s', (transport) => {
  const pr = (templates: string, extra: Record<string, string> = {}) =>
    inputsFor(forge, templates, { mode: 'pull-request', transport, ...extra })

  /** One template's pull request, from the first run to main moving on: each step one run. */
  describe("a pull request's life", () => {
    let t: string
    let oldHead: string | null
    beforeAll(async () => {
      forge = await TestForge.start()
      t = await protectedTemplate('tpl-a')
    })
    afterAll(() => forge.close())

    it('push mode fails on the protected default branch, in the forge’s words', async () => {
      const pushRun = await runAction(inputsFor(forge, 'tpl-a', { transport }))
      expect(resultsOf(pushRun.outputs)[0].reason).toBe(
        transport === 'api'
          ? 'write refused: HTTP 403: user cannot commit to repo [user: cascade-bot]'
          : 'push rejected: Not allowed to push to protected branch main'
      )
    })

    it('pull-request mode opens a PR instead: the pin on the bump branch cut from main, main untouched', async () => {
      const run = await runAction(pr('tpl-a'))
      expect(run.exitCode).toBe(0)
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'pr-opened',
        branch: HEAD,
        attempts: 1,
        reason: 'opened #1: pinned 1.2.3 (was 0.1.0)'
      })
      expect(await subjects(forge, t)).toEqual(['initial commit'])
      expect(await subjects(forge, t, HEAD)).toEqual([PIN, 'initial commit'])
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
      expect(gitRequests(forge) > 0).toBe(transport === 'git')
    })

    it('a re-run reports the existing PR and writes nothing', async () => {
      const [receivePacks, writes] = [forge.count({ service: 'receive-pack', phase: 'rpc' }), pinWrites()]
      const rerun = await runAction(pr('tpl-a'))
      expect(resultsOf(rerun.outputs)[0]).toMatchObject({
        status: 'pr-exists',
        commit: null,
        // What is true this time: nothing was pinned, the branch already pins it.
        reason: '#1 already open: bump/runtime-1.2.3 already pins 1.2.3'
      })
      expect([forge.count({ service: 'receive-pack', phase: 'rpc' }), pinWrites()]).toEqual([receivePacks, writes])
      expect(pulls(t)).toHaveLength(1)
    })

    it('main moves on: git brings its own bump branch up to date without force; the API alone says it cannot', async () => {
      const meta = forge.repo(t)
      oldHead = await forge.store.resolve(meta, `refs/heads/${HEAD}`)
      await forge.store.commit(meta, { 'app.py': 'print(2)\n' }, 'feat: main moved on')
      const run = await runAction(pr('tpl-a'))
      const [result] = resultsOf(run.outputs)
      expect(result.status).toBe('pr-exists')
      if (transport === 'git') {
        expect(result.attempts).toBe(1)
        const parents = (await forge.store.git(meta.dir, ['log', '-1', '--format=%P', `refs/heads/${HEAD}`]))
          .trim()
          .split(' ')
        expect(parents).toEqual([await forge.store.resolve(meta, 'refs/heads/main'), oldHead]) // a fast-forward of the old head
        expect(await fileAt(forge, t, 'app.py', HEAD)).toBe('print(2)\n')
      } else {
        expect(result.reason).toBe(
          '#1 already open: bump/runtime-1.2.3 already pins 1.2.3; bump/runtime-1.2.3 is behind main: the contents API cannot merge (transport: git brings it up to date)'
        )
        expect(await forge.store.resolve(meta, `refs/heads/${HEAD}`)).toBe(oldHead)
      }
      expect(await fileAt(forge, t, '.runtime-version', HEAD)).toBe('1.2.3\n')
      expect(pulls(t)).toHaveLength(1)
    })
  })

  describe('bump branches someone else made', () => {
    let run: ActionRun
    let keptAt: string | null
    beforeAll(async () => {
      forge = await TestForge.start()
      // One pins the version (a maintainer's own fix-up on top), one does not.
      const pinned = await protectedTemplate('tpl-pinned')
      await forge.store.git(forge.repo(pinned).dir, ['branch', HEAD, 'main'])
      await forge.store.commit(
        forge.repo(pinned),
        { '.runtime-version': '1.2.3\n' },
        'chore: pinned by hand',
        undefined,
        true,
        HEAD
      )
      keptAt = await forge.store.resolve(forge.repo(pinned), `refs/heads/${HEAD}`)
      const unpinned = await protectedTemplate('tpl-unpinned')
      await forge.store.git(forge.repo(unpinned).dir, ['branch', HEAD, 'main'])
      run = await runAction(pr('tpl-pinned tpl-unpinned'))
    })
    afterAll(() => forge.close())

    it('a foreign bump branch that holds the pin is left alone, and still gets its pull request', async () => {
      const [result] = resultsOf(run.outputs)
      expect(result.status).toBe('pr-opened')
      expect(result.reason).toMatch(/has commits the cascade did not make; it holds the pin, so it was left as it is/)
      expect(await forge.store.resolve(forge.repo('acme/tpl-pinned'), `refs/heads/${HEAD}`)).toBe(keptAt)
    })

    it('one that does not pin the version fails clearly, and opens nothing', async () => {
      expect(resultsOf(run.outputs)[1]).toMatchObject({
        status: 'failed',
        reason: `${HEAD} exists with commits the cascade did not make and does not pin 1.2.3; merge or delete it, then re-run`
      })
      expect(pulls('acme/tpl-unpinned')).toHaveLength(0)
    })
  })

  it('dry run says what it would open, and writes nothing', async () => {
    forge = await TestForge.start()
    try {
      const t = await protectedTemplate('tpl-a')
      const run = await runAction(pr('tpl-a', { 'dry-run': 'true' }))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'would-update',
        reason: `would push ${HEAD} and open a pull request into main`
      })
      expect(pulls(t)).toHaveLength(0)
      expect(
        forge.count({ service: 'receive-pack' }) +
          forge.count({ kind: 'api', method: 'POST' }) +
          forge.count({ kind: 'api', method: 'PUT' })
      ).toBe(0)
      expect(await forge.store.resolve(forge.repo(t), `refs/heads/${HEAD}`)).toBeNull()
    } finally {
      await forge.close()
    }
  })
})

describe('pull-request mode', () => {
  const pr = (templates: string, extra: Record<string, string> = {}) =>
    inputsFor(forge, templates, { mode: 'pull-request', ...extra })

  describe('under auto', () => {
    forgeForEachTest((f) => (forge = f))

    it('under auto, its own bump branch behind main goes to git, which brings it up to date', async () => {
      const t = await protectedTemplate('tpl-a')
      await runAction(pr('tpl-a'))
      const meta = forge.repo(t)
      const oldHead = await forge.store.resolve(meta, `refs/heads/${HEAD}`)
      await forge.store.commit(meta, { 'app.py': 'print(2)\n' }, 'feat: main moved on')
      const run = await runAction(pr('tpl-a'))
      expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'pr-exists' })
      expect(run.stdout).toContain(
        `${HEAD} is behind main: bringing it up to date needs a merge commit: landing through git instead`
      )
      const parents = (await forge.store.git(meta.dir, ['log', '-1', '--format=%P', `refs/heads/${HEAD}`]))
        .trim()
        .split(' ')
      expect(parents).toEqual([await forge.store.resolve(meta, 'refs/heads/main'), oldHead])
    })
  })

  describe('its last step, the pull request', () => {
    let run: ActionRun
    beforeAll(async () => {
      forge = await TestForge.start()
      for (const name of ['flaky', 'lost', 'refused']) await protectedTemplate(name)
      await template(forge, 'pinned', { pin: '1.2.3', protectBranch: 'main' })
      forge.fault({ kind: 'api', method: 'POST', path: /\/acme\/flaky\/pulls$/ }, { status: 502 }, 2)
      forge.fault({ kind: 'api', method: 'POST', path: /\/acme\/lost\/pulls$/ }, 'swallow', 1)
      forge.fault(
        { kind: 'api', method: 'POST', path: /\/acme\/refused\/pulls$/ },
        { status: 403, body: { message: 'pull requests are disabled for this repository' } }
      )
      run = await runAction(pr('flaky lost refused pinned'))
    })
    afterAll(() => forge.close())

    it('retries the POST on 5xx, then opens exactly one PR', async () => {
      expect(resultFor(run, 'flaky').status).toBe('pr-opened')
      expect(forge.count({ method: 'POST', path: /\/acme\/flaky\/pulls$/ })).toBe(3)
      expect(pulls('acme/flaky')).toHaveLength(1)
    })

    it('a POST whose answer was lost finds the PR it did open, not a second one', async () => {
      expect(resultFor(run, 'lost').status).toBe('pr-exists')
      expect(pulls('acme/lost')).toHaveLength(1)
      expect(
        JSON.parse(run.outputs['pull-requests']).find((p: { template: string }) => p.template === 'acme/lost').number
      ).toBe(1)
    })

    it('a pull request the forge will not open fails that template, saying the branch is pushed', async () => {
      expect(resultFor(run, 'refused')).toMatchObject({
        status: 'failed',
        reason: `${HEAD} is pushed, but the pull request could not be opened: HTTP 403: pull requests are disabled for this repository`
      })
      expect(await fileAt(forge, 'acme/refused', '.runtime-version', HEAD)).toBe('1.2.3\n')
    })

    it('opens nothing for a template already pinned on its default branch', async () => {
      expect(resultFor(run, 'pinned').status).toBe('unchanged')
      expect(pulls('acme/pinned')).toHaveLength(0)
      expect(
        gitRequests(forge, 'acme/pinned') + forge.count({ kind: 'api', method: 'POST', repo: 'acme/pinned' })
      ).toBe(0)
    })
  })

  describe('a token rejected at the pull request', () => {
    forgeForEachTest((f) => (forge = f))

    it('a token rejected at the pull request stops the run with the one token error', async () => {
      const t = await protectedTemplate('tpl-a')
      forge.fault(
        { kind: 'api', method: 'POST', path: /\/pulls$/ },
        { status: 401, body: { message: 'token expired' } }
      )
      const run = await runAction(pr('tpl-a'))
      expect(run.exitCode).toBe(1)
      expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
        expect.stringMatching(/^::error::the token was rejected by /)
      ])
      expect(pulls(t)).toHaveLength(0)
    })
  })
})

describe('the default pull request body', () => {
  forgeForEachTest((f) => (forge = f))

  it('names the version file that is set, not .runtime-version', async () => {
    const t = await template(forge, 'tpl-a', { protectBranch: 'main', files: { 'runtime/VERSION': '0.1.0\n' } })
    const run = await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request', 'version-file': 'runtime/VERSION' }))
    expect(run.exitCode).toBe(0)
    expect(pulls(t)[0].body).toMatch(/^Pins the runtime to 1\.2\.3 in runtime\/VERSION, so this template rebuilds/)
  })
})
