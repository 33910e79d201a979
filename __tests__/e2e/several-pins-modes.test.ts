import type { Flavour } from '../../test-support/forge/flavours.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { apiWrites, fileAt, history, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

/** Several pins in check mode, pull-request mode and a dry run; and signed commits on GitHub. */
const PINS = '.runtime-version\nrequirements.txt: my-runtime=='
const REQUIREMENTS = (v: string) => `flask==3.0\nmy-runtime==${v}\n`

let forge: TestForge
afterEach(() => forge.close())

const results = resultsOf

describe.each<Flavour>(['gitea-1.25', 'github'])('several pins on %s', (flavour) => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
  })

  it('check mode names the pin that lags and what it reads', async () => {
    await template(forge, 'lag', { pin: '1.2.3', files: { 'requirements.txt': REQUIREMENTS('0.1.0') } })
    await template(forge, 'current', { pin: '1.2.3', files: { 'requirements.txt': REQUIREMENTS('1.2.3') } })
    const run = await runAction(inputsFor(forge, 'lag current', { pins: PINS, mode: 'check' }))
    expect(results(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['lagging', 'requirements.txt pins 0.1.0, older than 1.2.3'],
      ['current', 'pins 1.2.3']
    ])
  })

  it.each(['api', 'git'])(
    'pull-request mode through %s: the bump branch carries every pin in one commit',
    async (transport) => {
      await template(forge, 'pr', { files: { 'requirements.txt': REQUIREMENTS('0.1.0') } })
      const main = await history(forge, 'acme/pr')
      const run = await runAction(inputsFor(forge, 'pr', { pins: PINS, mode: 'pull-request', transport }))
      expect(results(run.outputs)[0]).toMatchObject({
        status: 'pr-opened',
        reason: 'opened #1: pinned 1.2.3 in .runtime-version, requirements.txt (was 0.1.0)'
      })
      const bump = 'bump/runtime-1.2.3'
      expect(await fileAt(forge, 'acme/pr', '.runtime-version', bump)).toBe('1.2.3\n')
      expect(await fileAt(forge, 'acme/pr', 'requirements.txt', bump)).toBe(REQUIREMENTS('1.2.3'))
      expect((await history(forge, 'acme/pr', bump)).slice(1)).toEqual(main)
      expect(await history(forge, 'acme/pr')).toEqual(main)
    }
  )

  it('a dry run says, per file, what would change, and writes nothing', async () => {
    await template(forge, 'dry', { files: { 'requirements.txt': REQUIREMENTS('0.2.0') } })
    const run = await runAction(inputsFor(forge, 'dry', { pins: PINS, 'dry-run': 'true' }))
    expect(results(run.outputs)[0]).toMatchObject({
      status: 'would-update',
      reason:
        'would pin 1.2.3 in .runtime-version, requirements.txt (.runtime-version was 0.1.0, requirements.txt was 0.2.0)',
      files: ['.runtime-version', 'requirements.txt']
    })
    expect(apiWrites(forge)).toEqual([])
  })
})

describe('signed commits on GitHub', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
    forge.github.tokenKind = 'app'
    await template(forge, 'tpl', { files: { 'requirements.txt': REQUIREMENTS('0.1.0') } })
  })
  // The API cannot serve this template (no Git Data endpoint here), so auto would hand it to git.
  const noGitData = () => forge.fault({ kind: 'api', method: 'POST', path: /\/git\/trees$/ }, { status: 404 })

  it('by default: no author sent, the commit is the token account’s and GitHub reports it verified', async () => {
    const run = await runAction(inputsFor(forge, 'tpl', { pins: PINS }))
    expect(results(run.outputs)[0]).toMatchObject({ status: 'updated', verified: true })
    expect((await history(forge, 'acme/tpl'))[0]).toMatch(/^cascade-bot <cascade-bot@example.com>\|cascade-bot\|/)
  })

  it('commit-signing: off keeps the custom author, and the commit is unsigned', async () => {
    const run = await runAction(inputsFor(forge, 'tpl', { pins: PINS, 'commit-signing': 'off' }))
    expect(results(run.outputs)[0]).toMatchObject({ status: 'updated', verified: false })
    expect((await history(forge, 'acme/tpl'))[0]).toMatch(/^publish-runtime cascade </)
  })

  it('commit-signing: require fails a template whose pin would land through git; nothing lands', async () => {
    noGitData()
    const head = await forge.store.tip(forge.repo('acme/tpl'), 'main')
    const run = await runAction(inputsFor(forge, 'tpl', { pins: PINS, 'commit-signing': 'require' }))
    expect(results(run.outputs)[0]).toMatchObject({ status: 'failed' })
    expect(results(run.outputs)[0].reason).toMatch(/git would land it unsigned \(commit-signing: require\)$/)
    expect(await forge.store.tip(forge.repo('acme/tpl'), 'main')).toBe(head)
    expect(forge.count({ kind: 'git' })).toBe(0)
    expect(run.exitCode).toBe(1)
  })

  it('without require, the same template lands through git, unsigned as every push', async () => {
    noGitData()
    const run = await runAction(inputsFor(forge, 'tpl', { pins: PINS }))
    expect(results(run.outputs)[0]).toMatchObject({ status: 'updated', verified: null })
    expect(await fileAt(forge, 'acme/tpl', 'requirements.txt')).toBe(REQUIREMENTS('1.2.3'))
    expect(forge.count({ kind: 'git', service: 'receive-pack' })).toBeGreaterThan(0)
  })
})
