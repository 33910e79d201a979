import * as core from '@actions/core'
import type { RunStopError } from '../shared/run-control.js'
import type { Settings } from '../inputs/settings.js'
import type { Redactor } from '../shared/redact.js'
import { describeCounts } from './counts.js'
import { advice, failureKind, failuresByKind, type AdviceForge } from './failure-advice.js'
import { buildOutputs } from './outputs.js'
import type { TemplateResult } from '../pipeline/template-result.js'
import { renderMarkdown } from './summary.js'
import type { SummaryContext } from './summary-context.js'
import { renderText } from './text-table.js'
import { versionPrefixWarning } from './version-prefix.js'

/**
 * The end of a run, for everyone who reads it: the outputs (for later steps), the table in the
 * log and the job summary (for people), one annotation per failed template, and the step's
 * verdict. A run with failures never ends green (unless fail-on-error is false); a run that
 * stopped reports its one cause once, not once per template.
 */
function summaryContext(settings: Settings, forge: AdviceForge): SummaryContext {
  return {
    forge,
    version: settings.version,
    dryRun: settings.dryRun,
    mode: settings.mode,
    serverUrl: settings.serverUrl,
    probePaths: settings.probePaths,
    verifyBuild: settings.verifyBuild !== 'false',
    verifyTimeoutSeconds: settings.verifyTimeoutSeconds,
    ...(settings.maxBuildsInFlight > 0 && settings.mode === 'push'
      ? { maxBuildsInFlight: settings.maxBuildsInFlight }
      : {})
  }
}

export async function publish(
  settings: Settings,
  results: TemplateResult[],
  redactor: Redactor,
  stopped: RunStopError | null,
  forge?: AdviceForge
): Promise<void> {
  const ctx = summaryContext(settings, forge)
  for (const [name, value] of Object.entries(buildOutputs(results))) core.setOutput(name, redactor.redact(value))
  core.info('')
  core.info(`Runtime cascade ${settings.version}: ${describeCounts(results) || 'no templates'}`)
  core.info(redactor.redact(renderText(ctx, results)))
  warnings(settings, results)
  if (!stopped) {
    for (const r of results.filter((x) => x.status === 'failed')) {
      // A prefix mismatch's reason already names the value to pass: the advice would say it twice.
      const kind = failureKind(r)
      const then = kind === 'version-prefix' ? '' : ` (${advice(kind, 1, forge)})`
      core.error(`${r.template}: ${r.reason}${then}`, { title: 'runtime cascade' })
    }
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(redactor.redact(renderMarkdown(ctx, results)))
      .write()
      .catch((error: Error) => core.warning(`could not write the job summary: ${error.message}`))
  }
  if (stopped) {
    core.setFailed(redactor.redact(stopped.message))
    return
  }
  verdict(settings, results, forge)
}

/** Annotations a person should see without opening the log. */
function warnings(settings: Settings, results: TemplateResult[]): void {
  for (const r of results.filter((x) => x.renamedTo)) {
    core.warning(`${r.template} was renamed or transferred: it is now ${r.renamedTo}. Update the template list.`, {
      title: 'runtime cascade'
    })
  }
  for (const r of results) {
    if (r.build?.build !== 'not-started' || r.status === 'failed') continue
    core.warning(`${r.template}: the pin landed, but ${r.build.reason}: the image may not rebuild`, {
      title: 'runtime cascade: no build started'
    })
  }
  // Check mode writes nothing, so a prefix that differs is a warning there; elsewhere each such
  // template failed, saying which value to pass.
  const prefix = settings.mode === 'check' && versionPrefixWarning(settings.version, results)
  if (prefix) core.warning(prefix, { title: 'runtime cascade: version prefix' })
  for (const r of results.filter((x) => x.skip === 'newer-pin')) {
    core.warning(
      `${r.template}: ${r.reason}: left as it is. To write ${settings.version} anyway, re-run with downgrade: allow`,
      { title: 'runtime cascade: newer pin kept' }
    )
  }
  for (const r of results.filter((x) => x.consumer)) {
    core.warning(`${r.template}: ${r.consumer}`, { title: 'runtime cascade: the pin may not be read' })
  }
}

/** The step's verdict: failed templates and laggards fail it (or only warn, with fail-on-error: false). */
function verdict(settings: Settings, results: TemplateResult[], forge: AdviceForge): void {
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.template)
  const lagging = results.filter((r) => r.status === 'lagging').map((r) => r.template)
  // Laggards with the bump pull request open need a merge, not another push.
  const toUpdate = results.filter((r) => r.status === 'lagging' && !r.pullRequest).map((r) => r.template)
  const problems: string[] = []
  if (failed.length > 0) {
    const groups = failuresByKind(results).map(([kind, names]) =>
      kind === 'transient'
        ? `${names.join(' ')}: ${advice(kind, names.length, forge)}, with templates: ${names.join(' ')}`
        : `${names.join(' ')}: ${advice(kind, names.length, forge)}`
    )
    problems.push(`${failed.length} of ${results.length} template(s) failed. ${groups.join('. ')}.`)
  }
  if (lagging.length > 0) problems.push(laggingProblem(settings.version, results.length, lagging, toUpdate))
  if (problems.length > 0) {
    const message = problems.join(' ')
    if (settings.failOnError) core.setFailed(message)
    else core.warning(`${message} (fail-on-error is false, so the step stays green)`)
  }
}

/** Laggards: those to cascade to, and those whose bump pull request is open (merge it). */
function laggingProblem(version: string, total: number, lagging: string[], toUpdate: string[]): string {
  const withPull = lagging.filter((name) => !toUpdate.includes(name))
  const pulls =
    withPull.length === 0
      ? ''
      : withPull.length === lagging.length
        ? ` ${withPull.length === 1 ? 'Its bump pull request is' : 'Their bump pull requests are'} open: merge ${withPull.length === 1 ? 'it' : 'them'}.`
        : ` ${withPull.join(' ')} ${withPull.length === 1 ? 'has its' : 'have their'} bump pull request open: merge ${withPull.length === 1 ? 'it' : 'them'}.`
  const update =
    toUpdate.length > 0 ? ` Update ${toUpdate.length === 1 ? 'it' : 'them'} with templates: ${toUpdate.join(' ')}.` : ''
  return `${lagging.length} of ${total} template(s) lag behind ${version}: ${lagging.join(' ')}.${update}${pulls}`
}
