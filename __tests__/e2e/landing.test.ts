import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { apiWrites, fileAt, gitRequests, history, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

const BOT = 'publish-runtime cascade <publish-runtime-cascade@users.noreply.github.com>'
const MESSAGE = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'

/** What lands must not depend on how it lands: the same assertions for both transports. */
describe.each(['api', 'git'])('what lands, through %s', (transport) => {
  let forge: TestForge
  const inputs = (templates: string, extra: Record<string, string> = {}) =>
    inputsFor(forge, templates, { transport, ...extra })

  describe('a first run, then the same again', () => {
    let first: ActionRun
    beforeAll(async () => {
      forge = await TestForge.start()
      await template(forge, 'tpl-a', { pin: '0.1.0' })
      await template(forge, 'tpl-b', { pin: null })
      await template(forge, 'tpl-locked', { declineWith: 'Not allowed to push: the release freeze is on' })
      first = await runAction(inputs('tpl-a\ntpl-b\ntpl-locked'))
    })
    afterAll(() => forge.close())

    it('pins the version with one commit by the configured author, creating the file where absent', async () => {
      expect(await fileAt(forge, 'acme/tpl-a', '.runtime-version')).toBe('1.2.3\n')
      expect(await fileAt(forge, 'acme/tpl-b', '.runtime-version')).toBe('1.2.3\n')
      expect(await history(forge, 'acme/tpl-a')).toEqual([
        `${BOT}|publish-runtime cascade|${MESSAGE}`,
        'Template Owner <owner@example.com>|Template Owner|initial commit'
      ])
      expect(await fileAt(forge, 'acme/tpl-a', 'README.md')).toBe('# tpl-a\n') // the rest of the tree untouched
      expect(first.leftovers).toEqual([])
    })

    it('reports each template: results, outputs, summary, log', async () => {
      const tip = await forge.store.resolve(forge.repo('acme/tpl-a'), 'refs/heads/main')
      expect(resultsOf(first.outputs).slice(0, 2)).toEqual([
        {
          template: 'acme/tpl-a',
          status: 'updated',
          reason: 'pinned 1.2.3 (was 0.1.0)',
          commit: tip,
          branch: 'main',
          attempts: 1,
          files: ['.runtime-version'],
          // Gitea's answer says unsigned; a push says nothing of it.
          verified: transport === 'api' ? false : null
        },
        expect.objectContaining({
          template: 'acme/tpl-b',
          status: 'updated',
          reason: 'pinned 1.2.3 (created .runtime-version)'
        })
      ])
      expect(first.outputs['updated-templates']).toBe('acme/tpl-a acme/tpl-b')
      expect(first.summary).toContain(`| [acme/tpl-a](${forge.url}/acme/tpl-a) | ✅ updated | main | [\``)
      expect(first.stdout).toMatch(transport === 'api' ? /landed through the contents API/ : /git push --porcelain/)
    })

    it('a declining pre-receive hook fails that template with its sentence, not retried', async () => {
      expect(first.exitCode).toBe(1)
      expect(resultsOf(first.outputs)[2]).toMatchObject({
        status: 'failed',
        attempts: 1,
        reason:
          transport === 'api'
            ? 'write refused: HTTP 403: Not allowed to push: the release freeze is on'
            : 'push rejected: Not allowed to push: the release freeze is on'
      })
      expect(await history(forge, 'acme/tpl-locked')).toHaveLength(1)
    })

    it('the re-run is a no-op for the pinned ones: no write of any kind, no git', async () => {
      const [gitBefore, writesBefore] = [
        gitRequests(forge, 'acme/tpl-a') + gitRequests(forge, 'acme/tpl-b'),
        apiWrites(forge).length
      ]
      const rerun = await runAction(inputs('tpl-a tpl-b'))
      expect(rerun.exitCode).toBe(0)
      expect(rerun.outputs['unchanged-templates']).toBe('acme/tpl-a acme/tpl-b')
      expect(gitRequests(forge, 'acme/tpl-a') + gitRequests(forge, 'acme/tpl-b')).toBe(gitBefore)
      expect(apiWrites(forge).length).toBe(writesBefore)
      expect(await history(forge, 'acme/tpl-a')).toHaveLength(2)
    })
  })

  describe('configured', () => {
    forgeForEachTest((f) => (forge = f))

    it('uses the configured author and a multi-line message byte for byte; a subdirectory is created or replaced, siblings untouched', async () => {
      const fresh = await template(forge, 'tpl-fresh', { files: { 'config/app.toml': 'x = 1\n' } })
      const existing = await template(forge, 'tpl-existing', {
        files: { 'config/app.toml': 'x = 1\n', 'config/runtime/version': '0.9.0\n' }
      })
      const run = await runAction(
        inputs('tpl-fresh tpl-existing', {
          'version-file': 'config/runtime/version',
          'author-name': 'Zoë Bötström',
          'author-email': 'cascade@bots.example',
          'commit-message': 'build: runtime {version}\n\nRefs: release {version}'
        })
      )
      expect(run.exitCode).toBe(0)
      expect(resultsOf(run.outputs).map((r) => r.reason)).toEqual([
        'pinned 1.2.3 (created config/runtime/version)',
        'pinned 1.2.3 (was 0.9.0)'
      ])
      for (const t of [fresh, existing]) {
        expect(await fileAt(forge, t, 'config/runtime/version')).toBe('1.2.3\n')
        expect(await fileAt(forge, t, 'config/app.toml')).toBe('x = 1\n')
        expect(await fileAt(forge, t, '.runtime-version')).toBe('0.1.0\n')
        const raw = await forge.store.git(forge.repo(t).dir, ['log', '-1', '--format=%an <%ae>%n%B', 'main'])
        // The message byte for byte, then the trailer by which the cascade knows its commits.
        expect(raw.trim()).toBe(
          'Zoë Bötström <cascade@bots.example>\nbuild: runtime 1.2.3\n\nRefs: release 1.2.3\n\nRuntime-Cascade-Version: 1.2.3'
        )
      }
    })

    it('dry run writes nothing at all', async () => {
      const a = await template(forge, 'tpl-a')
      const run = await runAction(inputs('tpl-a', { 'dry-run': 'true' }))
      expect(run.exitCode).toBe(0)
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'would-update',
        commit: null,
        reason: 'would pin 1.2.3 (was 0.1.0)'
      })
      expect(forge.count({ service: 'receive-pack' }) + apiWrites(forge).length).toBe(0)
      expect(await history(forge, a)).toHaveLength(1)
      expect(run.summary).toContain('(dry run)')
    })
  })
})
