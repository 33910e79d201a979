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
import { checkToken, type TokenCheck } from './forge/token-check.js'
import { checkGit } from './git/git-check.js'
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

/** inputs → git and token checks → templates through a bounded pool → outputs, summary, log. */
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
  const stopListening = onCancel((signal) => {
    core.info(`received ${signal}: cancelling`)
    control.cancel(signal)
  })
  try {
    const results = await cascade(token, settings, redactor, control)
    await publish(settings, results, redactor, control.stopped)
  } finally {
    stopListening()
  }
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
    rateLimitWaitMs: settings.rateLimitWaitSeconds * 1000,
    redactor,
    signal: control.signal
  })
  const api = new ForgeApi(client)
  const git = new GitRunner({ serverUrl: settings.serverUrl, token, timeoutMs: settings.gitTimeoutMs })
  const lander = new GitLander({ git, settings, workDir, signal: control.signal })
  // On a cancel: no template starts, every wait ends, every request and every git is killed;
  // then the pool winds down and what is known is reported.
  control.signal.addEventListener('abort', () => {
    git.killAll()
    transport.dispose()
  })
  try {
    await preflight(settings, api, control)
    return await runPool(settings.templates, settings.concurrency, async (ref) => {
      const log = new TemplateLog(ref.fullName, redactor)
      let outcome = await processTemplate(ref, { settings, api, lander, control }, log.line)
      // A template cut short by the cancel says so, whatever its last request saw.
      if (control.cancelled && outcome.status === 'failed' && !outcome.reason.startsWith('cancelled')) {
        outcome = { ...outcome, reason: 'cancelled' }
      }
      outcome = { ...outcome, reason: redactor.redact(outcome.reason) }
      if (outcome.reason.startsWith('not attempted:') || outcome.reason.startsWith('cancelled')) return outcome
      log.flush(outcome)
      return outcome
    })
  } finally {
    transport.dispose()
    // Clones hold nothing secret (the token lives in git's environment only), but they go anyway.
    await rm(workDir, { recursive: true, force: true })
  }
}

/** git usable, token accepted: checked once, so a broken setup is one error, not N. */
async function preflight(settings: Settings, api: ForgeApi, control: RunControl): Promise<void> {
  const git = await checkGit()
  if (!git.ok) {
    control.stop(
      new RunStopError(`${git.reason}: the git transport cannot run`, `not attempted: ${git.reason}`, git.reason)
    )
    return
  }
  let check: TokenCheck
  try {
    check = await checkToken(api, settings.apiUrl, API_ATTEMPTS - 1)
  } catch (error) {
    if (!(error instanceof RunStopError)) throw error
    control.stop(error)
    return
  }
  core.info(`${check.summary}; git ${git.version}`)
  // Lookup, probes and version file per template, and one write for most of them.
  const needed = settings.templates.length * (3 + settings.probePaths.length)
  if (check.quota && check.quota.remaining < needed) {
    core.warning(
      `GitHub API quota: ${check.quota.remaining} of ${check.quota.limit} requests left until ` +
        `${check.quota.reset.toISOString()}, and this run may need about ${needed}. A limit is waited out ` +
        `for up to rate-limit-wait (${settings.rateLimitWaitSeconds} s); past that the run stops and lists the templates not done.`
    )
  }
}

/** Runs `cancel` once on SIGINT or SIGTERM (the runner cancelling the step); returns the undo. */
function onCancel(cancel: (signal: string) => void): () => void {
  let fired = false
  const handler = (signal: NodeJS.Signals) => {
    if (fired) return
    fired = true
    cancel(signal)
    // Outputs and the summary are written as the pool winds down; should anything hang, go anyway.
    setTimeout(() => process.exit(1), 5000).unref()
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
