import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge

describe('downgrade policy', () => {
  forgeForEachTest((f) => (forge = f))

  it.each([
    ['allow', 'updated', 'pinned 1.2.3 (was 2.0.0); a downgrade from 2.0.0', '1.2.3\n'],
    ['skip', 'skipped', 'pins 2.0.0, newer than 1.2.3 (downgrade: skip)', '2.0.0\n'],
    ['fail', 'failed', 'pins 2.0.0, newer than 1.2.3 (downgrade: fail)', '2.0.0\n']
  ])('%s: a lower version is %s', async (policy, status, reason, pinned) => {
    const t = await template(forge, 'tpl-a', { pin: '2.0.0' })
    const run = await runAction(inputsFor(forge, 'tpl-a', { downgrade: policy }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status, reason })
    expect(await fileAt(forge, t, '.runtime-version')).toBe(pinned)
    expect(run.exitCode).toBe(status === 'failed' ? 1 : 0)
  })

  it('compares PEP 440 versions (1.2.3 is newer than 1.2.3rc1), and writes what cannot be compared, saying so', async () => {
    const rc = await template(forge, 'tpl-rc', { pin: '1.2.3rc1' })
    const nightly = await template(forge, 'tpl-nightly', { pin: 'nightly' })
    const run = await runAction(inputsFor(forge, 'tpl-rc tpl-nightly', { downgrade: 'fail' }))
    expect(resultsOf(run.outputs).map((r) => [r.status, r.reason])).toEqual([
      ['updated', 'pinned 1.2.3 (was 1.2.3rc1)'],
      ['updated', 'pinned 1.2.3 (was nightly); versions could not be compared (nightly → 1.2.3)']
    ])
    for (const t of [rc, nightly]) expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })
})
