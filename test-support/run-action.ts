import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const DIST = join(PROJECT_ROOT, 'dist', 'index.js')

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** What the action left in RUNNER_TEMP (it should leave nothing). */
  leftovers: string[]
  /** Wall time of the process, in ms. */
  ms: number
  /** Every byte the run produced: stdout, stderr, the output and summary files, files left behind. */
  everything: string
}

/**
 * Runs `node dist/index.js` as a runner does: inputs as INPUT_<NAME> variables (name upper-cased,
 * hyphens kept), real GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a private RUNNER_TEMP.
 */
export interface RunOptions {
  runnerTemp?: string
  /** Runs while the action does (to cancel it, say), given its process. */
  during?: (child: ChildProcess) => Promise<void>
}

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  options: RunOptions = {}
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'action-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const runnerTemp = options.runnerTemp ?? join(dir, 'temp')
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')])
  await mkdir(runnerTemp, { recursive: true })
  const childEnv = actionEnv(inputs, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    ...env
  })
  const started = Date.now()
  const { exitCode, stdout, stderr } = await new Promise<{ exitCode: number; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [DIST], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (c: Buffer) => out.push(c))
      child.stderr.on('data', (c: Buffer) => err.push(c))
      child.on('close', (code, signal) =>
        resolve({
          exitCode: code ?? (signal ? 128 : -1),
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString()
        })
      )
      void options.during?.(child)
    }
  )
  const ms = Date.now() - started
  const outputText = await readFile(outputFile, 'utf8')
  const summary = await readFile(summaryFile, 'utf8')
  const leftovers = await readdir(runnerTemp, { recursive: true })
  const leftText = await Promise.all(
    leftovers.map((f) =>
      readFile(join(runnerTemp, f)).then(
        (b) => b.toString('latin1'),
        () => ''
      )
    )
  )
  const result: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    leftovers,
    ms,
    everything: [stdout, stderr, outputText, summary, ...leftText].join('\n')
  }
  await rm(dir, { recursive: true, force: true })
  return result
}

/** A runner's environment for the action: its files and inputs as INPUT_<NAME> (hyphens kept). */
export function actionEnv(inputs: Record<string, string>, env: Record<string, string>): Record<string, string> {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    ...env
  }
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return childEnv
}

/** Parses GITHUB_OUTPUT's `name<<delimiter` blocks (and plain name=value lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}
