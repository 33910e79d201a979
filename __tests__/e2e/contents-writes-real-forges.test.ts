import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, gitRequests, inputsFor, resultsOf, subjects, template } from '../../test-support/scenario.js'

// Contents-API writes meeting what the forges really answer (forge-facts.md, Contents API).
let forge: TestForge
afterEach(() => forge.close())

const api = { transport: 'api' }
const someone = { name: 'Someone Else', email: 'someone@example.com' }

describe.each(['github', 'gitea-1.25', 'gitea-1.22'] as Flavour[])('%s', (flavour) => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
  })

  it('a push racing the write (GitHub 409 "is at X but expected Y", Gitea 500): read again, written again, nothing lost', async () => {
    const t = await template(forge, 'tpl-a')
    const meta = forge.repo(t)
    forge.api.contents.raceNextWrite(t, async () => {
      await forge.store.commit(meta, { 'app.py': 'print(2)\n' }, 'feat: pushed meanwhile', someone)
    })
    const run = await runAction(inputsFor(forge, 'tpl-a', api))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({
      status: 'updated',
      attempts: 2,
      reason: 'pinned 1.2.3 (was 0.1.0) after 2 writes'
    })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
    expect((await subjects(forge, t)).slice(0, 2)).toEqual([
      'chore: pin runtime to 1.2.3 (publish-runtime cascade)',
      'feat: pushed meanwhile'
    ])
    expect(gitRequests(forge)).toBe(0)
  })
})

// Gitea >= 1.25 answers 404 "object does not exist" (routers/api/v1/repo/file.go
// handleChangeRepoFilesError); 1.22-1.24 a 500 with no message. Both mean: read again.
describe.each(['gitea-1.25', 'gitea-1.24', 'gitea-1.22'] as Flavour[])('%s', (flavour) => {
  it('the version file deleted since it was read: read again and created, never "no write endpoint"', async () => {
    forge = await TestForge.start({ flavour })
    const t = await template(forge, 'tpl-a')
    const meta = forge.repo(t)
    forge.before({ kind: 'api', method: 'PUT', path: /\/contents\// }, async () => {
      await forge.store.deleteFile(meta, '.runtime-version')
    })
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'auto' }))
    expect(run.exitCode).toBe(0)
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 2 })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
    expect(gitRequests(forge)).toBe(0) // it stayed on the API
  })
})

describe('symlinked version file', () => {
  it.each(['github', 'gitea-1.25'] as Flavour[])(
    '%s: refused, naming the target, and the link is left as it is',
    async (flavour) => {
      forge = await TestForge.start({ flavour })
      const t = await template(forge, 'tpl-a', {
        pin: null,
        files: { 'versions/current': '0.1.0\n' },
        symlinks: { '.runtime-version': 'versions/current' }
      })
      const run = await runAction(inputsFor(forge, 'tpl-a', api))
      expect(run.exitCode).toBe(1)
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'failed',
        reason:
          flavour === 'github'
            ? '.runtime-version is not a regular file (a symlink to versions/current)'
            : '.runtime-version is not a regular file (symlink)'
      })
      const mode = await forge.store.git(forge.repo(t).dir, ['ls-tree', 'main', '.runtime-version'])
      expect(mode).toMatch(/^120000 /)
    }
  )
})

describe('attempts count every write', () => {
  it('a contents write that failed counts as one', async () => {
    forge = await TestForge.start({ flavour: 'gitea-1.25' })
    await template(forge, 'tpl-a', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-a', api))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed', attempts: 1 })
  })

  it('under auto, a write the API could not make and the push after it are two, within max-attempts', async () => {
    forge = await TestForge.start({ flavour: 'gitea-1.25' })
    await template(forge, 'tpl-a')
    forge.fault(
      { kind: 'api', method: 'PUT', path: /\/contents\// },
      { status: 405, body: { message: 'Method Not Allowed' } }
    )
    const run = await runAction(inputsFor(forge, 'tpl-a', { transport: 'auto' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'updated', attempts: 2 })
    const capped = await runAction(
      inputsFor(forge, 'tpl-a', { transport: 'auto', version: '1.2.4', 'max-attempts': '1' })
    )
    expect(resultsOf(capped.outputs)[0]).toMatchObject({ status: 'failed', attempts: 1 })
  })
})
