import type { Settings } from '../inputs/settings.js'
import { alreadyPinned, judgePins, type Verdict } from '../pins/pin-judgement.js'
import { result, type TemplateResult } from './template-result.js'
import type { LookUp } from './look-up.js'
import { drift, missingConsumer } from './drift.js'
import type { RepoClaims } from './repo-claims.js'
import type { Log } from '../shared/log.js'

/** Pins to land on `branch` of `repo`, or the template's result already. */
export type Decided =
  | {
      /** The template as listed (its results keep that name, also after a rename). */
      template: string
      verdict: Extract<Verdict, { kind: 'write' }>
      branch: string
      /** The probed workflow that was found: the run to look for, when verify-build is on. */
      workflow?: string
      repo: NonNullable<LookUp['repo']>
      consumer?: string
    }
  | TemplateResult

/**
 * Everything decided from the look-up round alone, before any write: the repository's state,
 * the branch, the probe, the consumer guard, and the one judgement of every pin.
 */
export function decide(seen: LookUp, settings: Settings, fullName: string, claims: RepoClaims, log: Log): Decided {
  const failed = (reason: string, branch: string | null = null) => result(fullName, 'failed', reason, { branch })
  const skipped = (reason: string, branch: string | null = null) => result(fullName, 'skipped', reason, { branch })
  const info = seen.repo
  if (info === null)
    return {
      ...failed('repository not found, or the token cannot see it (HTTP 404)'),
      repositoryMissing: true,
      failure: 'not-found'
    }
  // A renamed or transferred repository answers under its new name (the redirect was followed):
  // work on that name; the result says so, so the operator can fix the list.
  if (info.fullName.toLowerCase() !== fullName.toLowerCase()) log(`${fullName} was renamed: it is now ${info.fullName}`)
  const claimedBy = claims.claim(info.fullName, fullName)
  if (claimedBy) {
    log(`${fullName} is the same repository as ${claimedBy}: written once, under that name`)
    return { ...result(fullName, 'unchanged', `the same repository as ${claimedBy}`), sameAs: claimedBy }
  }
  if (info.archived) return skipped('archived repository')
  if (info.mirror) return skipped('mirror repository (read-only)')
  const empty = [...seen.files.values()].some((f) => f.kind === 'empty-repository')
  if (info.empty || empty) return skipped('empty repository (no branch to pin)')
  // Only Gitea and Forgejo report this truthfully; on GitHub the write decides (see RepoInfo).
  if (info.canPush === false)
    return { ...failed('the token has no push permission on this repository'), failure: 'no-access' }

  const branch = settings.branch || info.defaultBranch
  if (!branch) return failed('the forge reported no default branch')
  log(`branch ${branch}${settings.branch ? '' : ' (default)'}`)
  // A 404 from the probe must mean "no workflow", never "no such branch".
  if (!seen.branchExists) return { ...failed(`branch ${branch} not found`, branch), failure: 'not-found' }
  if (seen.workflow === null)
    return {
      ...skipped(`no publish-image.yml (looked for ${settings.probePaths.join(', ')})`, branch),
      skip: 'no-workflow'
    }
  if (seen.workflow.path) log(`found ${seen.workflow.path}`)
  return judged(seen, settings, fullName, branch, log)
}

/** The consumer guard, then check mode's drift or the pins' judgement. */
function judged(seen: LookUp, settings: Settings, fullName: string, branch: string, log: Log): Decided {
  const failed = (reason: string) => result(fullName, 'failed', reason, { branch })
  const skipped = (reason: string) => result(fullName, 'skipped', reason, { branch })
  const consumer = settings.requireConsumer === 'off' ? null : missingConsumer(seen.workflows, settings.pins)
  if (consumer) {
    log(consumer)
    if (settings.requireConsumer === 'skip') return skipped(`${consumer} (require-consumer: skip)`)
    if (settings.requireConsumer === 'fail') return failed(`${consumer} (require-consumer: fail)`)
  }
  const marked = (r: TemplateResult): TemplateResult => (consumer ? { ...r, consumer } : r)
  // Check mode reads and judges; it never writes.
  if (settings.mode === 'check') {
    const found = drift(seen.files, settings)
    return marked(result(fullName, found.status, found.reason, { branch }))
  }
  const verdict = judgePins(seen.files, settings)
  if (verdict.kind === 'pinned') {
    log(`every pin already reads ${settings.version}: nothing to do`)
    return marked(result(fullName, 'unchanged', alreadyPinned(settings.version), { branch }))
  }
  if (verdict.kind === 'skip') return { ...skipped(verdict.reason), ...(verdict.newer ? { skip: 'newer-pin' } : {}) }
  if (verdict.kind === 'fail') return { ...failed(verdict.reason), failure: verdict.failure ?? 'other' }
  for (const change of verdict.changes)
    log(change.was === null ? `${change.path} is absent: it will be created` : `${change.path} pins ${change.was}`)
  const workflow = seen.workflow?.path || undefined
  return { template: fullName, verdict, branch, workflow, repo: seen.repo!, consumer: consumer ?? undefined }
}
