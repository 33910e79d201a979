/** What the bench's parts share: the measured run of a command, and the action's runner environment. */
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestForge } from '../test-support/forge/forge.js'
import { actionEnv, PROJECT_ROOT } from '../test-support/run-action.js'

export const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 100)
export const VERSION = '2.0.0'

export interface Measure {
  exit: number
  wall: number
  cpu: number
  maxrss_mb: number
}

export const f = (x: number, digits = 2) => x.toFixed(digits)

export async function measured(command: string[], env: Record<string, string>, scratch: string): Promise<Measure> {
  const out = join(scratch, `measure-${Date.now()}.json`)
  await new Promise<void>((resolve, reject) => {
    const child = spawn('python3', [join(PROJECT_ROOT, 'scripts', 'measure.py'), out, ...command], {
      env,
      stdio: ['ignore', 'ignore', 'inherit']
    })
    child.on('error', reject)
    child.on('close', () => resolve())
  })
  return JSON.parse(await readFile(out, 'utf8')) as Measure
}

/** The runner's environment for one run of the action against `forge`. */
export async function actionFiles(forge: TestForge, names: string[], inputs: Record<string, string>, scratch: string) {
  const files = {
    GITHUB_OUTPUT: join(scratch, 'action-out'),
    GITHUB_STEP_SUMMARY: join(scratch, 'action-summary'),
    RUNNER_TEMP: scratch
  }
  await writeFile(files.GITHUB_OUTPUT, '')
  await writeFile(files.GITHUB_STEP_SUMMARY, '')
  const base = { version: VERSION, templates: names.join('\n'), token: forge.token }
  return actionEnv({ ...base, 'server-url': forge.url, 'api-url': forge.apiUrl, ...inputs }, files)
}
