import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, gitRequests, history, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

const BOT = 'publish-runtime cascade <publish-runtime-cascade@users.noreply.github.com>'
const MESSAGE = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'

let forge: TestForge
beforeEach(async () => {
  forge = await TestForge.start()
})
afterEach(async () => {
  await forge.close()
})

describe('a cascade', () => {
  it('pins the version with one commit by the configured author, and reports it', async () => {
    const a = await template(forge, 'tpl-a', { pin: '0.1.0' })
    const b = await template(forge, 'tpl-b', { pin: null })

    const run = await runAction(inputsFor(forge, 'tpl-a\ntpl-b'))

    expect(run.exitCode).toBe(0)
    expect(await fileAt(forge, a, '.runtime-version')).toBe('1.2.3\n')
    expect(await fileAt(forge, b, '.runtime-version')).toBe('1.2.3\n')
    expect(await history(forge, a)).toEqual([
      `${BOT}|publish-runtime cascade|${MESSAGE}`,
      'Template Owner <owner@example.com>|Template Owner|initial commit'
    ])
    // The rest of the tree is untouched.
    expect(await fileAt(forge, a, 'README.md')).toBe('# tpl-a\n')
    expect(run.outputs['updated-templates']).toBe('acme/tpl-a acme/tpl-b')
    expect(run.outputs['failed-templates']).toBe('')
    const [first] = resultsOf(run.outputs)
    const tip = (await forge.store.resolve(forge.repo(a), 'refs/heads/main'))!
    expect(first).toEqual({
      template: 'acme/tpl-a',
      status: 'updated',
      reason: 'pinned 1.2.3 (was 0.1.0)',
      commit: tip,
      branch: 'main',
      attempts: 1
    })
    expect(run.summary).toContain('| acme/tpl-a | ✅ updated | main |')
    expect(run.stdout).toMatch(/TEMPLATE\s+STATUS/)
    expect(run.leftovers).toEqual([]) // clones removed
  })

  it('re-run with the same version is unchanged and makes no git request at all', async () => {
    const a = await template(forge, 'tpl-a')
    await runAction(inputsFor(forge, 'tpl-a'))
    const before = gitRequests(forge)
    const commits = (await history(forge, a)).length

    const rerun = await runAction(inputsFor(forge, 'tpl-a'))

    expect(rerun.exitCode).toBe(0)
    expect(statusOf(rerun.outputs)).toEqual({ 'acme/tpl-a': 'unchanged' })
    expect(rerun.outputs['unchanged-templates']).toBe('acme/tpl-a')
    expect(gitRequests(forge)).toBe(before)
    expect(await history(forge, a)).toHaveLength(commits)
  })

  it('treats a pin with other whitespace or a second line as already pinned', async () => {
    const a = await template(forge, 'tpl-a', {
      files: { '.runtime-version': '  1.2.3  \r\n# managed by the cascade\n' },
      pin: null
    })
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'unchanged' })
    expect(await history(forge, a)).toHaveLength(1)
  })

  it('soft-skips a template without publish-image.yml and clones nothing', async () => {
    const codex = await template(forge, 'tpl-codex', { workflow: false })
    await template(forge, 'tpl-a')

    const run = await runAction(inputsFor(forge, 'tpl-codex tpl-a'))

    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-codex': 'skipped', 'acme/tpl-a': 'updated' })
    expect(resultsOf(run.outputs)[0].reason).toMatch(/no publish-image.yml/)
    expect(run.outputs['skipped-templates']).toBe('acme/tpl-codex')
    expect(gitRequests(forge, codex)).toBe(0)
    expect(await fileAt(forge, codex, '.runtime-version')).toBe('0.1.0\n')
  })

  it.each(['.gitea/workflows/publish-image.yml', '.forgejo/workflows/publish-image.yml'])(
    'does not skip a template whose workflow lives in %s',
    async (path) => {
      const t = await template(forge, 'tpl-g', { workflow: path })
      const run = await runAction(inputsFor(forge, 'tpl-g'))
      expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-g': 'updated' })
      expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
    }
  )

  it('probes nothing when probe-path is empty', async () => {
    const t = await template(forge, 'tpl-x', { workflow: false })
    const run = await runAction(inputsFor(forge, 'tpl-x', { 'probe-path': '' }))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-x': 'updated' })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })

  it('fails a missing repository, never reporting it as a skip, and still updates the others', async () => {
    const a = await template(forge, 'tpl-a')

    const run = await runAction(inputsFor(forge, 'tpl-typo tpl-a'))

    expect(run.exitCode).toBe(1)
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-typo': 'failed', 'acme/tpl-a': 'updated' })
    expect(resultsOf(run.outputs)[0].reason).toMatch(/repository not found/)
    expect(run.outputs['failed-templates']).toBe('acme/tpl-typo')
    expect(run.stdout).toContain('::error::1 of 2 template(s) failed: acme/tpl-typo')
    expect(await fileAt(forge, a, '.runtime-version')).toBe('1.2.3\n')
  })

  it('with fail-on-error false, a failure is reported but the step stays green', async () => {
    const run = await runAction(inputsFor(forge, 'tpl-typo', { 'fail-on-error': 'false' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['failed-templates']).toBe('acme/tpl-typo')
    expect(run.stdout).toMatch(/::warning::.*fail-on-error is false/)
  })

  it('rebases over a push made between clone and push: both commits survive', async () => {
    const a = await template(forge, 'tpl-a')
    // Someone pushes right before our push's ref advertisement.
    forge.before({ repo: a, service: 'receive-pack', phase: 'advertise' }, async () => {
      await forge.store.commit(forge.repo(a), { 'app.py': 'print("hi")\n' }, 'feat: someone else')
    })

    const run = await runAction(inputsFor(forge, 'tpl-a'))

    expect(run.exitCode).toBe(0)
    const [result] = resultsOf(run.outputs)
    expect(result.status).toBe('updated')
    expect(result.attempts).toBe(2)
    expect((await history(forge, a)).map((line) => line.split('|')[2])).toEqual([
      MESSAGE,
      'feat: someone else',
      'initial commit'
    ])
    expect(await fileAt(forge, a, 'app.py')).toBe('print("hi")\n')
    expect(await fileAt(forge, a, '.runtime-version')).toBe('1.2.3\n')
  })

  it('ends unchanged when the other push already pinned the same version', async () => {
    const a = await template(forge, 'tpl-a')
    forge.before({ repo: a, service: 'receive-pack', phase: 'advertise' }, async () => {
      await forge.store.commit(forge.repo(a), { '.runtime-version': '1.2.3\n' }, 'chore: pinned by a parallel run')
    })
    const run = await runAction(inputsFor(forge, 'tpl-a'))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-a': 'unchanged' })
    expect((await history(forge, a))[0]).toMatch(/pinned by a parallel run/)
  })

  it('gives up after max-attempts pushes when the branch keeps moving, leaving others intact', async () => {
    const a = await template(forge, 'tpl-a')
    let n = 0
    forge.before(
      { repo: a, service: 'receive-pack', phase: 'advertise' },
      async () => {
        await forge.store.commit(forge.repo(a), { 'busy.txt': `${++n}\n` }, `busy ${n}`)
      },
      Infinity
    )
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'max-attempts': '2' }))
    const [result] = resultsOf(run.outputs)
    expect(run.exitCode).toBe(1)
    expect(result).toMatchObject({ status: 'failed', attempts: 2 })
    expect(result.reason).toMatch(/gave up after 2 attempts/)
    // Each push is refused at the advertisement (fetch first), so git never sends the pack.
    expect(forge.count({ repo: a, service: 'receive-pack', phase: 'advertise' })).toBe(2)
    expect((await history(forge, a)).map((l) => l.split('|')[2])).toEqual(['busy 2', 'busy 1', 'initial commit'])
  })

  it('fails a template whose pre-receive hook declines, with the hook message, while others update', async () => {
    const locked = await template(forge, 'tpl-locked', {
      declineWith: 'Not allowed to push to protected branch main'
    })
    const a = await template(forge, 'tpl-a')

    const run = await runAction(inputsFor(forge, 'tpl-locked tpl-a'))

    expect(run.exitCode).toBe(1)
    const [lockedResult, aResult] = resultsOf(run.outputs)
    expect(lockedResult.status).toBe('failed')
    expect(lockedResult.reason).toBe('push rejected: Not allowed to push to protected branch main')
    expect(lockedResult.attempts).toBe(1) // not retried
    expect(aResult.status).toBe('updated')
    expect(await history(forge, locked)).toHaveLength(1)
    expect(await fileAt(forge, a, '.runtime-version')).toBe('1.2.3\n')
  })

  it('pins the default branch when it is not main', async () => {
    const t = await template(forge, 'tpl-trunk', { defaultBranch: 'trunk' })
    const run = await runAction(inputsFor(forge, 'tpl-trunk'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', branch: 'trunk' })
    expect(await fileAt(forge, t, '.runtime-version', 'trunk')).toBe('1.2.3\n')
  })

  it('fails an explicit branch that does not exist instead of skipping it', async () => {
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { branch: 'relase' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed', reason: 'branch relase not found' })
  })

  it('dry run builds the commit but pushes nothing', async () => {
    const a = await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'would-update',
      commit: null,
      reason: 'would pin 1.2.3 (was 0.1.0)'
    })
    expect(forge.count({ service: 'receive-pack' })).toBe(0)
    expect(await history(forge, a)).toHaveLength(1)
    expect(run.summary).toContain('(dry run)')
  })

  it('skips archived, mirror and empty repositories with the reason', async () => {
    await template(forge, 'tpl-old', { archived: true })
    await template(forge, 'tpl-mirror', { mirror: true })
    await forge.createRepo('acme/tpl-empty', { empty: true })
    const run = await runAction(inputsFor(forge, 'tpl-old tpl-mirror tpl-empty'))
    expect(resultsOf(run.outputs).map((r) => `${r.status}: ${r.reason}`)).toEqual([
      'skipped: archived repository',
      'skipped: mirror repository (read-only)',
      'skipped: empty repository (no branch to pin)'
    ])
    expect(gitRequests(forge)).toBe(0)
  })

  it('fails before any clone when the token has no push permission', async () => {
    const t = await template(forge, 'tpl-ro', { readOnly: true })
    const run = await runAction(inputsFor(forge, 'tpl-ro'))
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'failed',
      reason: 'the token has no push permission on this repository'
    })
    expect(gitRequests(forge, t)).toBe(0)
  })

  it('prints each template as one group, never interleaved', async () => {
    for (const name of ['t1', 't2', 't3', 't4', 't5']) await template(forge, name)
    const run = await runAction(inputsFor(forge, 't1 t2 t3 t4 t5', { concurrency: '5' }))
    const lines = run.stdout.split('\n')
    const open: string[] = []
    for (const line of lines) {
      if (line.startsWith('::group::')) open.push(line)
      if (line.startsWith('::endgroup::')) open.pop()
      if (line.includes('git clone')) {
        expect(open).toHaveLength(1)
        expect(line).toContain(open[0].slice('::group::'.length).split(':')[0].split('/')[1])
      }
    }
    expect(lines.filter((l) => l.startsWith('::group::'))).toHaveLength(5)
  })

  it('uses the configured author and a multi-line message, byte for byte', async () => {
    const a = await template(forge, 'tpl-a')
    const run = await runAction(
      inputsFor(forge, 'tpl-a', {
        'author-name': 'Zoë Bötström',
        'author-email': 'cascade@bots.example',
        'commit-message': 'build: runtime {version}\n\nRefs: release {version}'
      })
    )
    expect(run.exitCode).toBe(0)
    const meta = forge.repo(a)
    const raw = await forge.store.git(meta.dir, ['log', '-1', '--format=%an <%ae>%n%cn <%ce>%n%B', 'main'])
    expect(raw.trim()).toBe(
      'Zoë Bötström <cascade@bots.example>\nZoë Bötström <cascade@bots.example>\nbuild: runtime 1.2.3\n\nRefs: release 1.2.3'
    )
  })

  it('writes a version file in a subdirectory, creating it or replacing it, siblings untouched', async () => {
    const fresh = await template(forge, 'tpl-fresh', { files: { 'config/app.toml': 'x = 1\n' } })
    const existing = await template(forge, 'tpl-existing', {
      files: { 'config/app.toml': 'x = 1\n', 'config/runtime/version': '0.9.0\n' }
    })
    const run = await runAction(
      inputsFor(forge, 'tpl-fresh tpl-existing', { 'version-file': 'config/runtime/version' })
    )
    expect(resultsOf(run.outputs).map((r) => r.reason)).toEqual([
      'pinned 1.2.3 (created config/runtime/version)',
      'pinned 1.2.3 (was 0.9.0)'
    ])
    for (const t of [fresh, existing]) {
      expect(await fileAt(forge, t, 'config/runtime/version')).toBe('1.2.3\n')
      expect(await fileAt(forge, t, 'config/app.toml')).toBe('x = 1\n')
      expect(await fileAt(forge, t, '.runtime-version')).toBe('0.1.0\n')
    }
  })
})
