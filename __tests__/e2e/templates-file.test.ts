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

  it('reads a JSON array of names', async () => {
    await writeFile(join(workspace, 'templates.json'), JSON.stringify(['tpl-a', 'other/tpl-b']))
    const result = await run('templates.json')
    expect(result.exitCode).toBe(0)
    expect(result.outputs['updated-templates']).toBe('acme/tpl-a other/tpl-b')
  })

  it.each([
    ['missing', 'nope.txt', 'templates-file: cannot read "nope.txt" (no such file: '],
    ['malformed', 'broken.json', 'templates-file: "broken.json" looks like JSON but does not parse']
  ])('a %s file is a clear error before any network call', async (_what, name, message) => {
    await writeFile(join(workspace, 'broken.json'), '["tpl-a", ')
    const before = forge.requests.length
    const result = await run(name)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(`::error::${message}`)
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

  it('both templates and templates-file is an error that says so', async () => {
    const result = await runAction(
      { ...inputsFor(forge, 'tpl-a', { 'templates-file': 'templates.txt' }) },
      { GITHUB_WORKSPACE: workspace }
    )
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('::error::templates and templates-file are both set')
  })
})
