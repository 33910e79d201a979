import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError, TokenRejectedError } from './errors.js'
import { ForgeClient } from './forge-client.js'
import { GitRunner } from './git-runner.js'
import { readInputs, type Inputs } from './inputs.js'
import { runPool } from './pool.js'
import { Redactor } from './redact.js'
import { buildOutputs, counts, renderMarkdown, renderText } from './report.js'
import { result, type TemplateResult } from './results.js'
import { TemplateLog } from './template-log.js'
import { processTemplate } from './template-pipeline.js'

/** API calls: tries in all (3 retries: about 1 s, 2 s, 4 s with the default retry-delay-ms). */
export const API_ATTEMPTS = 4
/** Longest Retry-After honoured, so a hostile value cannot stall the run. */
export const MAX_RETRY_AFTER_MS = 30_000

export async function run(): Promise<void> {
  let inputs: Inputs
  try {
    inputs = readInputs()
  } catch (error) {
    // Nothing has touched the network yet, and nothing will.
    core.setFailed(error instanceof InputError ? error.message : `bad input: ${(error as Error).message}`)
    return
  }
  const redactor = new Redactor(inputs.token)
  for (const secret of redactor.forms) core.setSecret(secret)

  core.info(
    `Pinning ${inputs.version} in ${inputs.templates.length} template(s), ${inputs.concurrency} at a time${inputs.dryRun ? ' (dry run: nothing is pushed)' : ''}`
  )
  const { results, tokenRejected } = await cascade(inputs, redactor)

  await report(inputs, results, redactor, tokenRejected === null)
  if (tokenRejected) {
    // One error for the one cause, not one per template.
    core.setFailed(tokenRejected.message)
    return
  }
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.template)
  if (failed.length > 0) {
    const message = `${failed.length} of ${results.length} template(s) failed: ${failed.join(' ')}. Re-run with templates: ${failed.join(' ')}`
    if (inputs.failOnError) core.setFailed(message)
    else core.warning(`${message} (fail-on-error is false, so the step stays green)`)
  }
}

async function cascade(
  inputs: Inputs,
  redactor: Redactor
): Promise<{ results: TemplateResult[]; tokenRejected: TokenRejectedError | null }> {
  const workDir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'runtime-cascade-'))
  const forge = new ForgeClient({
    apiUrl: inputs.apiUrl,
    serverUrl: inputs.serverUrl,
    token: inputs.token,
    timeoutMs: inputs.requestTimeoutMs,
    retry: { attempts: API_ATTEMPTS, baseDelayMs: inputs.retryDelayMs, maxRetryAfterMs: MAX_RETRY_AFTER_MS },
    redactor
  })
  const git = new GitRunner({ serverUrl: inputs.serverUrl, token: inputs.token, timeoutMs: inputs.gitTimeoutMs })
  let tokenRejected: TokenRejectedError | null = null
  try {
    const results = await runPool(inputs.templates, inputs.concurrency, async (ref, index) => {
      if (tokenRejected) return result(ref.fullName, 'failed', 'not attempted: the token was rejected')
      const log = new TemplateLog(ref.fullName, redactor)
      let outcome: TemplateResult
      try {
        outcome = await processTemplate(ref, index, { inputs, forge, git, workDir }, log.line)
      } catch (error) {
        if (!(error instanceof TokenRejectedError)) throw error
        tokenRejected = error
        outcome = result(ref.fullName, 'failed', 'the token was rejected (HTTP 401)')
      }
      outcome = { ...outcome, reason: redactor.redact(outcome.reason) }
      log.flush(outcome)
      return outcome
    })
    return { results, tokenRejected }
  } finally {
    forge.dispose()
    // Clones hold nothing secret (the token lives in git's environment only), but they go anyway.
    await rm(workDir, { recursive: true, force: true })
  }
}

async function report(inputs: Inputs, results: TemplateResult[], redactor: Redactor, annotate: boolean): Promise<void> {
  for (const [name, value] of Object.entries(buildOutputs(results))) core.setOutput(name, redactor.redact(value))
  core.info('')
  core.info(`Runtime cascade ${inputs.version}: ${counts(results)}`)
  core.info(redactor.redact(renderText(results)))
  if (annotate)
    for (const r of results.filter((x) => x.status === 'failed'))
      core.error(`${r.template}: ${r.reason}`, { title: 'runtime cascade' })
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(redactor.redact(renderMarkdown(inputs.version, results, inputs.dryRun)))
      .write()
      .catch((error: Error) => core.warning(`could not write the job summary: ${error.message}`))
  }
}
