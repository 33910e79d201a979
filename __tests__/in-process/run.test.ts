import { jest } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../../__fixtures__/core.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { inputsFor, template } from '../../test-support/scenario.js'

// run() in this process, @actions/core mocked (as actions/typescript-action tests it), against
// the loopback forge: the wiring of main.ts, the pipeline and the landers, counted in coverage.
jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

let forge: TestForge
const scratch = mkdtempSync(join(tmpdir(), 'run-in-process-'))
process.env.RUNNER_TEMP = scratch
process.env.GITHUB_STEP_SUMMARY = join(scratch, 'summary.md')

async function runWith(inputs: Record<string, string>): Promise<Record<string, string>> {
  core.reset(inputs)
  await run()
  return core.outputs()
}
const results = (outputs: Record<string, string>) =>
  (JSON.parse(outputs.results) as Array<{ template: string; status: string; reason: string }>).map((r) => [
    r.template,
    r.status,
    r.reason
  ])

afterEach(() => forge.close())

describe('run(), in process', () => {
  it.each(['api', 'git'])(
    'through %s: pins what lags, leaves what is pinned, says so everywhere',
    async (transport) => {
      forge = await TestForge.start()
      await template(forge, 'tpl-a')
      await template(forge, 'tpl-b', { pin: '1.2.3' })
      const outputs = await runWith(inputsFor(forge, 'tpl-a tpl-b', { transport }))
      expect(results(outputs)).toEqual([
        ['acme/tpl-a', 'updated', 'pinned 1.2.3 (was 0.1.0)'],
        ['acme/tpl-b', 'unchanged', 'already pinned to 1.2.3']
      ])
      expect(outputs['updated-templates']).toBe('acme/tpl-a')
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(core.summaryText.join('')).toContain('1 updated, 1 unchanged')
      expect(core.startGroup).toHaveBeenCalledWith('acme/tpl-a: updated (pinned 1.2.3 (was 0.1.0))')
    }
  )

  it('a bad input fails the step before any request', async () => {
    forge = await TestForge.start()
    const outputs = await runWith({ ...inputsFor(forge, 'tpl-a'), version: 'not a version' })
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringMatching(/^version: "not a version" is not a version/))
    expect(outputs).toEqual({})
    expect(forge.requests).toEqual([])
  })

  it('a missing repository fails the step, naming it; the others are pinned', async () => {
    forge = await TestForge.start()
    await template(forge, 'tpl-a')
    const outputs = await runWith(inputsFor(forge, 'tpl-a tpl-typo'))
    expect(outputs['failed-templates']).toBe('acme/tpl-typo')
    expect(outputs['updated-templates']).toBe('acme/tpl-a')
    expect(core.setFailed).toHaveBeenCalledWith(
      expect.stringMatching(/^1 of 2 template\(s\) failed\. acme\/tpl-typo: check the name/)
    )
  })

  it('check mode: a laggard fails the gate, naming it and how to update it', async () => {
    forge = await TestForge.start()
    await template(forge, 'tpl-a')
    const outputs = await runWith(inputsFor(forge, 'tpl-a', { mode: 'check' }))
    expect(outputs['lagging-templates']).toBe('acme/tpl-a')
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('Update it with templates: acme/tpl-a'))
    expect(forge.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('pull-request mode on GitHub with several pins: one commit on the bump branch, one pull request', async () => {
    forge = await TestForge.start({ flavour: 'github' })
    await template(forge, 'tpl-a', { protectBranch: 'main', files: { 'requirements.txt': 'my-runtime==0.1.0\n' } })
    const outputs = await runWith(
      inputsFor(forge, 'tpl-a', {
        mode: 'pull-request',
        pins: '.runtime-version\nrequirements.txt: my-runtime==',
        'pr-labels': 'runtime'
      })
    )
    expect(results(outputs)).toEqual([
      ['acme/tpl-a', 'pr-opened', 'opened #1: pinned 1.2.3 in .runtime-version, requirements.txt (was 0.1.0)']
    ])
    expect(forge.repo('acme/tpl-a').pulls[0].labels).toEqual(['runtime'])
  })
})
