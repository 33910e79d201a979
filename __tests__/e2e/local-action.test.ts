import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { seedDemo } from '../../test-support/demo-templates.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { PROJECT_ROOT } from '../../test-support/run-action.js'
import { fileAt } from '../../test-support/scenario.js'

/**
 * `npm run local-action`: GitHub's local-action tool runs the action from src/, with the
 * committed .env.example, against the demo's forge. Only the forge's port and token differ
 * here (a test forge listens on a free port); the rest of .env.example is used as it is.
 */
describe('npm run local-action', () => {
  let forge: TestForge
  let dir: string
  beforeAll(async () => {
    forge = await TestForge.start()
    await seedDemo(forge)
    dir = await mkdtemp(join(tmpdir(), 'local-action-'))
  })
  afterAll(async () => {
    await forge.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('runs the action from source against the demo forge, as .env.example says', async () => {
    const example = await readFile(join(PROJECT_ROOT, '.env.example'), 'utf8')
    const env = example
      .replace(/http:\/\/127\.0\.0\.1:3939/g, forge.url)
      .replace(/^INPUT_TOKEN=.*$/m, `INPUT_TOKEN=${forge.token}`)
    await writeFile(join(dir, '.env'), env)
    const tool = join(PROJECT_ROOT, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [tool, 'run', PROJECT_ROOT, 'src/main.ts', join(dir, '.env')], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      const chunks: Buffer[] = []
      child.stdout.on('data', (c: Buffer) => chunks.push(c))
      child.stderr.on('data', (c: Buffer) => chunks.push(c))
      child.on('close', (c) => resolve({ code: c, out: Buffer.concat(chunks).toString() }))
    })
    expect(code).toBe(0)
    expect(out).toContain(
      '::set-output name=updated-templates::acme/workspace-template-claude other-org/workspace-template-adk'
    )
    expect(out).toContain('::set-output name=failed-templates::acme/workspace-template-locked')
    expect(await fileAt(forge, 'acme/workspace-template-claude', '.runtime-version')).toBe('0.1.7\n')
    expect(await fileAt(forge, 'other-org/workspace-template-adk', '.runtime-version', 'trunk')).toBe('0.1.7\n')
    expect(await fileAt(forge, 'acme/workspace-template-codex', '.runtime-version')).toBe('0.1.0\n')
  }, 120_000)
})
