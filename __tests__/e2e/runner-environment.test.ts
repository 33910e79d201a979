import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { annotations, fileAt, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

const git = { transport: 'git' }

let forge: TestForge

describe('the machine and the runner', () => {
  let bin: string
  beforeEach(async () => {
    forge = await TestForge.start()
    bin = await mkdtemp(join(tmpdir(), 'bin-'))
  })
  afterEach(() => forge.close())
  afterEach(async () => {
    await rm(bin, { recursive: true, force: true })
  })

  it.each([
    ['missing', null, 'git is not installed (no git on PATH)'],
    ['too old', 'git version 2.30.2', 'git 2.30.2 is too old: 2.31.0 or later is needed (GIT_CONFIG_COUNT)']
  ])('git %s: one clear error before any request', async (_what, says, reason) => {
    await template(forge, 't1')
    await template(forge, 't2')
    if (says) {
      await writeFile(join(bin, 'git'), `#!/bin/sh\necho "${says}"\n`)
      await chmod(join(bin, 'git'), 0o755)
    }
    const run = await runAction(inputsFor(forge, 't1 t2', git), { PATH: bin })
    expect(run.exitCode).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([`::error::${reason}: the git transport cannot run`])
    expect(resultsOf(run.outputs).map((r) => r.reason)).toEqual([
      `not attempted: ${reason}`,
      `not attempted: ${reason}`
    ])
    expect(forge.requests).toHaveLength(0)
  })

  it('a runner that passes ${{ }} defaults through unevaluated falls back to the GITHUB_* variables', async () => {
    const t = await template(forge, 'tpl-a')
    const inputs = {
      ...inputsFor(forge, 'tpl-a'),
      owner: '${{ github.repository_owner }}',
      'server-url': '${{ github.server_url }}',
      'api-url': '${{ github.api_url }}'
    }
    const run = await runAction(inputs, {
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SERVER_URL: forge.url,
      GITHUB_API_URL: forge.apiUrl
    })
    expect(run.exitCode).toBe(0)
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })
})
