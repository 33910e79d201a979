import * as core from '@actions/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RunPoller } from './builds/run-poller.js'
import { bothPaces, BuildWaves, MinutePace, type Pacing } from './builds/build-waves.js'
import { RunStopError } from './shared/run-control.js'
import { ForgeApi } from './forge/forge-api.js'
import type { ForgeKind } from './forge/forge-client.js'
import { checkToken, type TokenCheck } from './forge/token-check.js'
import type { GitCheck } from './git/git-check.js'
import { readInputs } from './inputs/read-inputs.js'
import type { Credential } from './inputs/credential-input.js'
import { wire } from './run-wiring.js'
import type { Settings } from './inputs/settings.js'
import type { TemplateRef } from './inputs/template-list.js'
import { RepoClaims } from './pipeline/repo-claims.js'
import { LookAhead } from './pipeline/look-ahead.js'
import { estimateQuota, quotaLine } from './pipeline/quota-estimate.js'
import { runTemplates } from './pipeline/run-templates.js'
import { RunControl } from './shared/run-control.js'
import { expandSources, SourceError } from './pipeline/template-sources.js'
import { publish } from './report/publish.js'
import { readShardFiles, writeShardFile } from './report/shard-files.js'
import { shareOf } from './pipeline/shards.js'
import type { TemplateResult } from './pipeline/template-result.js'
import { InputError } from './shared/errors.js'
import { Redactor } from './shared/redact.js'
import { API_ATTEMPTS } from './shared/retry-policy.js'

/** inputs → git and token checks → templates through a bounded pool → outputs, summary, log. */
export async function run(): Promise<void> {
  let credential: Credential
  let settings: Settings
  let warnings: string[]
  try {
    ;({ credential, settings, warnings } = readInputs())
  } catch (error) {
    // Nothing has touched the network yet, and nothing will.
    core.setFailed(error instanceof InputError ? error.message : `bad input: ${(error as Error).message}`)
    return
  }
  const redactor = new Redactor()
  // Every secret the inputs hold is masked before anything is printed: the token, or the App's key.
  const secrets = credential.kind === 'token' ? [credential.token] : credential.kind === 'app' ? credential.secrets : []
  for (const secret of secrets) for (const form of redactor.add(secret)) core.setSecret(form)
  for (const warning of warnings) core.warning(redactor.redact(warning), { title: 'runtime cascade: inputs' })
  if (settings.mode === 'report') return report(settings, redactor)
  const control = new RunControl()

  core.info(
    settings.mode === 'check'
      ? `Checking that ${settings.templates.length} template(s) pin ${settings.version}, ${settings.concurrency} at a time (nothing is written)`
      : `Pinning ${settings.version} in ${settings.templates.length} template(s), ${settings.concurrency} at a time` +
          `${settings.dryRun ? ' (dry run: nothing is pushed)' : ''}`
  )
  const stopListening = onCancel((signal) => {
    core.info(`received ${signal}: cancelling`)
    control.cancel(signal)
  })
  try {
    const { results, position, forge } = await cascade(credential, settings, redactor, control)
    await writeShardFile(settings, results, position, control.stopped)
    await publish(settings, results, redactor, control.stopped, forge)
  } finally {
    stopListening()
  }
}

/** `mode: report`: the shards' results merged into one summary, one set of outputs, one verdict. */
async function report(settings: Settings, redactor: Redactor): Promise<void> {
  core.info(`Merging the shards' results for ${settings.version} from ${settings.shardResults}`)
  try {
    const { results, stop } = await readShardFiles(settings)
    await publish(settings, results, redactor, stop)
  } catch (error) {
    core.setFailed(
      error instanceof InputError ? error.message : `the shards' results could not be read: ${(error as Error).message}`
    )
  }
}

async function cascade(
  credential: Credential,
  settings: Settings,
  redactor: Redactor,
  control: RunControl
): Promise<{ results: TemplateResult[]; position: Map<string, number>; forge: ForgeKind | undefined }> {
  const workDir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'runtime-cascade-'))
  const parts = wire(credential, settings, redactor, control, workDir)
  try {
    const git = settings.transport === 'git' && settings.mode !== 'check' ? await parts.checkedGit() : null
    await preflight(settings, parts.api, control, git)
    const all = await listTemplates(settings, parts.api, control)
    const { mine, position } = shareOf(all, settings.shard)
    if (settings.shard)
      core.info(`shard ${settings.shard.index}/${settings.shard.count}: ${mine.length} of ${all.length} template(s)`)
    const pacing = await buildPacing(settings, parts.api, control)
    const poller = pacing?.poller ?? (watchesBuilds(settings) ? runPoller(settings, parts.api, control) : undefined)
    const builds = watchesBuilds(settings) ? poller : undefined
    const ahead = await lookAhead(settings, parts.api, control, mine)
    const ctx = { ...parts.pipeline, builds, claims: new RepoClaims(), pacing: pacing?.pace, ahead }
    const results = await runTemplates(mine, ctx, redactor).finally(() => pacing?.pace.close())
    await poller?.finish() // build waves alone: the poller's loop ends with the run
    if (pacing?.waves)
      core.info(
        `build waves: ${pacing.waves.waited} pin(s) waited for a build slot, the longest ${(pacing.waves.longestMs / 1000).toFixed(1)} s`
      )
    return { results, position, forge: parts.api.knownTraits?.family }
  } finally {
    parts.transport.dispose()
    // Clones hold nothing secret (the token lives in git's environment only), but they go anyway.
    await rm(workDir, { recursive: true, force: true })
  }
}

/**
 * max-builds-in-flight and builds-per-minute, decided before any write. Waves need an API that
 * lists a commit's runs; where the forge has none the run stops here, saying so and offering
 * the time-based pace.
 */
async function buildPacing(settings: Settings, api: ForgeApi, control: RunControl) {
  // Pushes are paced, and in pull-request mode the merges auto-merge makes (read-inputs.ts refuses the rest).
  const merges = settings.mode === 'pull-request' && settings.pr.autoMerge !== 'off'
  if (control.stopped || !(settings.mode === 'push' || merges) || settings.dryRun) return undefined
  const paces: Pacing[] = []
  let waves: BuildWaves | undefined
  let poller: RunPoller | undefined
  if (settings.maxBuildsInFlight > 0) {
    const runs = await api.workflowRuns.source()
    if ('none' in runs) {
      const why = `max-builds-in-flight: ${runs.none}, so it cannot tell when a build finishes; use builds-per-minute to pace by time`
      control.stop(new RunStopError(why, `not attempted: ${why}`, why))
      return undefined
    }
    poller = runPoller(settings, api, control)
    waves = new BuildWaves({ max: settings.maxBuildsInFlight, poller, signal: control.signal })
    paces.push(waves)
  }
  if (settings.buildsPerMinute > 0) paces.push(new MinutePace(settings.buildsPerMinute, control.signal))
  const pace = bothPaces(paces)
  return pace ? { pace, waves, poller } : undefined
}

/** GitHub: every template's look-up in GraphQL batches, before the first write. */
async function lookAhead(settings: Settings, api: ForgeApi, control: RunControl, templates: TemplateRef[]) {
  if (control.stopped || !api.traits.graphqlLookUp || templates.length === 0) return undefined
  try {
    const ahead = await LookAhead.run(api, templates, settings, core.info)
    const estimate = estimateQuota(ahead.held(), templates.length, settings, api.traits)
    const graphql = { ...ahead.figures, left: api.quota('graphql') }
    const line = quotaLine(estimate, api.quota('core'), graphql, settings.rateLimitWaitSeconds)
    if (line.warn) core.warning(line.text)
    else core.info(line.text)
    return ahead
  } catch (error) {
    if (!(error instanceof RunStopError)) throw error
    control.stop(error)
    return undefined
  }
}

/** The one poller of workflow runs, for verify-build and build waves alike. */
function runPoller(settings: Settings, api: ForgeApi, control: RunControl): RunPoller {
  return new RunPoller({
    api,
    timeoutMs: settings.verifyTimeoutSeconds * 1000,
    firstPollMs: Math.min(5000, Math.max(200, settings.retryDelayMs * 2)),
    concurrency: settings.concurrency,
    signal: control.signal,
    log: core.info
  })
}

/**
 * git usable (when it is the transport), token accepted: checked once, so a broken setup is one
 * error, not one per template. Under `auto` git is only the fallback, checked when first needed.
 */
async function preflight(settings: Settings, api: ForgeApi, control: RunControl, git: GitCheck | null): Promise<void> {
  if (git && !git.ok && settings.transport === 'git') {
    const reason = git.reason
    control.stop(new RunStopError(`${reason}: the git transport cannot run`, `not attempted: ${reason}`, reason))
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
  core.info(`${check.summary}${git?.ok ? `; git ${git.version}` : ''}`)
  // GHES signs only commits made in its web interface: require could never hold there.
  if (settings.signing === 'require' && api.traits.apiCommitSigning === 'never') {
    const why = `commit-signing: require cannot hold on ${api.traits.name}: it signs only commits made in its web interface, none made through the API or pushed`
    control.stop(new RunStopError(why, `not attempted: ${why}`, why))
  }
}

/** Builds are looked for after pushes: not in check mode, not in a dry run, not before merges. */
function watchesBuilds(settings: Settings): boolean {
  if (settings.verifyBuild === 'false' || settings.dryRun || settings.mode === 'check') return false
  if (settings.mode === 'pull-request') {
    core.info('verify-build: in pull-request mode there is nothing to verify until the pull requests are merged')
    return false
  }
  return true
}

/**
 * The templates to work on: sources (org:, topic:) listed from the forge. A source that fails
 * stops the run before any template; a run stopped before listing keeps each source's own name,
 * so `failed-templates` fed back in lists it again.
 */
async function listTemplates(settings: Settings, api: ForgeApi, control: RunControl): Promise<TemplateRef[]> {
  const unlisted = settings.templates.map((e) =>
    e.kind === undefined ? e : { owner: e.owner, repo: e.fullName, fullName: e.fullName }
  )
  if (control.stopped || settings.templates.every((e) => e.kind === undefined)) return unlisted
  try {
    return await expandSources(settings.templates, api, core.info)
  } catch (error) {
    if (!(error instanceof SourceError)) throw error
    control.stop(error)
    return []
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
