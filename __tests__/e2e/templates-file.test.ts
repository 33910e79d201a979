import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge
let workspace: string
beforeAll(async () => {
  forge = await TestForge.start()
  workspace = await mkdtemp(join(tmpdir(), 'workspace-'))
  await template(forge, 'tpl-a')
  await template(forge, 'other/tpl-b')
  await template(forge, 'tpl-c', { workflow: false })
})
afterAll(async () => {
  await forge.close()
  await rm(workspace, { recursive: true, force: true })
})

const run = (file: string, extra: Record<string, string> = {}) =>
  runAction({ ...inputsFor(forge, '', { 'templates-file': file }), ...extra }, { GITHUB_WORKSPACE: workspace })

describe('templates-file', () => {
  it('reads one template a line with comments', async () => {
    await writeFile(
      join(workspace, 'templates.txt'),
      '# shared with the image tooling\ntpl-a\nother/tpl-b  # adk\ntpl-c\n'
    )
    const result = await run('templates.txt', { 'dry-run': 'true' })
    expect(statusOf(result.outputs)).toEqual({
      'acme/tpl-a': 'would-update',
      'other/tpl-b': 'would-update',
      'acme/tpl-c': 'skipped'
    })
  })

  // JSON lists, malformed files and both inputs given are read (and refused) in the unit tests.
  it('a missing file is a clear error before any network call', async () => {
    const before = forge.requests.length
    const result = await run('nope.txt')
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('::error::templates-file: cannot read "nope.txt" (no such file: ')
    expect(forge.requests.length).toBe(before)
  })

  it('takes a list an earlier step wrote at an absolute path (under runner.temp)', async () => {
    const runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'))
    try {
      await writeFile(join(runnerTemp, 'generated.txt'), 'tpl-a\nother/tpl-b\n')
      const result = await run(join(runnerTemp, 'generated.txt'), { 'dry-run': 'true', version: '9.9.9' })
      expect(result.exitCode).toBe(0)
      expect(statusOf(result.outputs)).toEqual({ 'acme/tpl-a': 'would-update', 'other/tpl-b': 'would-update' })
    } finally {
      await rm(runnerTemp, { recursive: true, force: true })
    }
  })
})
