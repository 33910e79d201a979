import type { Settings } from '../inputs/settings.js'
import type { Landing, Transport, WriteVerdict } from '../landing/lander.js'
import { kindOfRefusal } from '../landing/refusal-kind.js'
import { result, type TemplateResult } from './template-result.js'
import type { RunPoller } from '../builds/run-poller.js'
import type { Decided } from './decide.js'

export type ToLand = Extract<Decided, { verdict: unknown }>

/**
 * The template's result from how landing went. What it says it replaced comes from the
 * judgement the commit was built from (after a race, the re-read's), not the first look.
 */
export function landedResult(
  landing: Landing & { transport: Transport },
  c: ToLand,
  settings: Settings,
  waitedMs?: number
): TemplateResult {
  const fullName = c.template
  const pr = settings.mode === 'pull-request' ? settings.pr : undefined
  const branch = pr?.branch ?? c.branch
  const made = (landing.kind === 'landed' || landing.kind === 'would-land' ? landing.made : undefined) ?? c.verdict
  const withNote = (text: string, note?: string) => [text, note, made.note].filter(Boolean).join('; ')
  const base = {
    branch,
    attempts: 'attempts' in landing ? landing.attempts : 0,
    consumer: c.consumer,
    ...(waitedMs ? { slotWaitMs: waitedMs } : {})
  }
  switch (landing.kind) {
    case 'cannot':
    case 'failed': {
      const failure = landing.kind === 'failed' && landing.failure ? landing.failure : kindOfRefusal(landing.reason)
      return result(fullName, 'failed', landing.reason, { ...base, failure })
    }
    case 'unchanged':
      return result(fullName, 'unchanged', landing.reason, base)
    case 'skipped':
      return result(fullName, 'skipped', landing.reason, { ...base, ...(landing.newer ? { skip: 'newer-pin' } : {}) })
    case 'would-land': {
      const what = pr
        ? `would push ${pr.branch} and open a pull request into ${c.branch}`
        : change(made, settings, true)
      return result(fullName, 'would-update', withNote(what), { ...base, files: paths(made) })
    }
  }
  const after =
    landing.attempts > 1 ? ` after ${landing.attempts} ${landing.transport === 'git' ? 'pushes' : 'writes'}` : ''
  const done: Partial<TemplateResult> = {
    ...base,
    commit: landing.commit,
    transport: landing.transport,
    ...(landing.commit && landing.made ? { files: paths(landing.made) } : {}),
    ...(landing.verified === undefined ? {} : { verified: landing.verified })
  }
  const words = withNote(`${change(made, settings, false)}${after}`, landing.note)
  // Under require, an unsigned commit is a failure said where it landed (it is there all the same).
  if (settings.signing === 'require' && landing.commit && landing.verified !== true) {
    const unsigned = `${words}; but the commit landed unsigned: ${landing.commit.slice(0, 12)} on ${branch} (commit-signing: require)`
    return result(fullName, 'failed', unsigned, { ...done, failure: 'signing' })
  }
  return result(fullName, 'updated', words, done)
}

const paths = (made: WriteVerdict): string[] => made.changes.map((c) => c.path)

/**
 * "pinned 0.2.0 (was 0.1.0)"; with several pins, which files and, where they differ, what each
 * read: "pinned 0.2.0 in a, b (was 0.1.0)", "pinned 0.2.0 in a, b (a was 0.1.0, b created)".
 */
export function change(made: WriteVerdict, settings: Pick<Settings, 'version' | 'pins'>, dryRun: boolean): string {
  const verb = dryRun ? 'would pin' : 'pinned'
  const one = (c: WriteVerdict['changes'][number]) => (c.was === null ? `created ${c.path}` : `was ${c.was}`)
  if (settings.pins.length === 1) return `${verb} ${settings.version} (${one(made.changes[0])})`
  const where = ` in ${paths(made).join(', ')}`
  const same = new Set(made.changes.map((c) => c.was))
  const each =
    same.size === 1 && !same.has(null)
      ? one(made.changes[0])
      : made.changes.map((c) => `${c.path} ${c.was === null ? 'created' : `was ${c.was}`}`).join(', ')
  return `${verb} ${settings.version}${where} (${each})`
}

/** verify-build: a pushed pin's build is looked for while other templates are pinned. */
export function watchBuild(done: TemplateResult, c: ToLand, builds: RunPoller | undefined): TemplateResult {
  if (!builds || done.status !== 'updated' || !done.commit) return done
  const pendingBuild = builds.watch(done.template, c.repo.owner, c.repo.name, done.commit, c.workflow)
  return { ...done, pendingBuild }
}
