import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RunStopError } from './forge/api-error.js'
import { ForgeApi } from './forge/forge-api.js'
import { ForgeClient } from './forge/forge-client.js'
import { ForgeHealth } from './forge/forge-health.js'
import { HttpTransport } from './forge/http-transport.js'
import { RateGate } from './forge/rate-limit.js'
import { checkToken } from './forge/token-check.js'
import { GitRunner } from './git/git-runner.js'
import { readInputs } from './inputs/read-inputs.js'
import type { Settings } from './inputs/settings.js'
import { GitLander } from './landing/git-lander.js'
import { runPool } from './pipeline/pool.js'
import { RunControl } from './pipeline/run-control.js'
import { processTemplate } from './pipeline/template-pipeline.js'
import { publish } from './report/publish.js'
import type { TemplateResult } from './report/results.js'
import { TemplateLog } from './report/template-log.js'
import { InputError } from './shared/errors.js'
import { Redactor } from './shared/redact.js'
import { API_ATTEMPTS, apiPolicy } from './shared/retry-policy.js'

/** inputs → token check → templates through a bounded pool → outputs, summary, log. */
export async function run(): Promise<void> {
  let token: string
  let settings: Settings
  try {
    ;({ token, settings } = readInputs())
  } catch (error) {
    // Nothing has touched the network yet, and nothing will.
    core.setFailed(error instanceof InputError ? error.message : `bad input: ${(error as Error).message}`)
    return
  }
  const redactor = new Redactor(token)
  for (const secret of redactor.forms) core.setSecret(secret)
  const control = new RunControl()

  core.info(
    `Pinning ${settings.version} in ${settings.templates.length} template(s), ${settings.concurrency} at a time` +
      `${settings.dryRun ? ' (dry run: nothing is pushed)' : ''}`
  )
  const results = await cascade(token, settings, redactor, control)
  await publish(settings, results, redactor, control.stopped)
}

async function cascade(
  token: string,
  settings: Settings,
  redactor: Redactor,
  control: RunControl
): Promise<TemplateResult[]> {
  const workDir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'runtime-cascade-'))
  const transport = new HttpTransport(token, settings.requestTimeoutMs, redactor)
  const client = new ForgeClient({
    apiUrl: settings.apiUrl,
    transport,
    policy: apiPolicy(settings.retryDelayMs),
    health: new ForgeHealth(),
    gate: new RateGate(),
    rateLimitWaitMs: 300_000,
    redactor,
    signal: control.signal
  })
  const api = new ForgeApi(client)
  const git = new GitRunner({ serverUrl: settings.serverUrl, token, timeoutMs: settings.gitTimeoutMs })
  const lander = new GitLander({ git, settings, workDir, signal: control.signal })
  try {
    try {
      const check = await checkToken(api, settings.apiUrl, API_ATTEMPTS - 1)
      core.info(check.summary)
    } catch (error) {
      if (!(error instanceof RunStopError)) throw error
      control.stop(error)
    }
    return await runPool(settings.templates, settings.concurrency, async (ref) => {
      const log = new TemplateLog(ref.fullName, redactor)
      let outcome = await processTemplate(ref, { settings, api, lander, control }, log.line)
      outcome = { ...outcome, reason: redactor.redact(outcome.reason) }
      if (outcome.reason.startsWith('not attempted:')) return outcome
      log.flush(outcome)
      return outcome
    })
  } finally {
    transport.dispose()
    // Clones hold nothing secret (the token lives in git's environment only), but they go anyway.
    await rm(workDir, { recursive: true, force: true })
  }
}
