import type { FileRead } from '../forge/forge-shapes.js'
import type { DowngradePolicy } from '../inputs/settings.js'
import type { FailureKind } from '../shared/failure-kind.js'
import { compareVersions } from '../shared/version-order.js'
import { readFilePins, type PinValue } from './file-pins.js'
import { pinPaths, type Pin } from '../inputs/pins-input.js'

/** Each pin file's read, by path (missing: absent). */
export type PinReads = ReadonlyMap<string, FileRead>

/** One file the pin commit writes. */
export interface FileChange {
  path: string
  bytes: Buffer
  /** The blob replaced (the compare-and-swap of a contents write); null creates the file. */
  sha: string | null
  /** What its pins read before, for people ("0.1.0", "0.1.0, 0.1.1"); null when created. */
  was: string | null
  /** A whole-file pin (the version file), not a pattern rewritten inside a file. */
  whole: boolean
}

/** What to do with a template, judged from every pin's file. */
export type Verdict =
  | { kind: 'pinned' }
  | { kind: 'write'; changes: FileChange[]; note?: string }
  /** `newer`: a pin reads a newer version and `downgrade: skip` keeps it (the run warns, naming it). */
  | { kind: 'skip'; reason: string; newer?: string }
  /** `failure`: what refused it, when an input's rule did (not the files' shape). */
  | { kind: 'fail'; reason: string; failure?: Extract<FailureKind, 'downgrade' | 'version-prefix'> }

export interface PinRules {
  version: string
  pins: Pin[]
  downgrade: DowngradePolicy
  allowPrefixChange: boolean
}

/**
 * The one judgement of what was read, made wherever it was read: by the look-up round, by
 * either transport after the branch moved, and by check mode. Pinned means every pin reads V
 * as the template reads it; otherwise the downgrade policy looks at every current version.
 * `reads` holds each pin file's read (missing: absent).
 */
export function judgePins(reads: PinReads, rules: PinRules): Verdict {
  if ([...reads.values()].some((r) => r.kind === 'empty-repository'))
    return { kind: 'skip', reason: 'empty repository (no branch to pin)' }
  const changes: FileChange[] = []
  const values: PinValue[] = []
  for (const path of pinPaths(rules.pins)) {
    const pins = rules.pins.filter((p) => p.path === path)
    const file = readFilePins(path, pins, reads.get(path) ?? { kind: 'absent' }, rules.version)
    if (file.kind === 'fail') return { kind: 'fail', reason: file.reason }
    if (file.kind === 'ignored') continue
    values.push(...file.values)
    if (file.next === null) continue
    const was = file.values.length === 0 ? null : [...new Set(file.values.map((v) => v.shown))].join(', ')
    changes.push({ path, bytes: file.next, sha: file.sha, was, whole: pins[0].kind === 'file' })
  }
  if (changes.length === 0) return { kind: 'pinned' }
  return prefixRule(values, rules) ?? downgradeRule(changes, values, rules)
}

const PREFIXED = /^v\d/i
const BARE = /^\d/

/**
 * `version: v0.1.10` over pins of `0.1.9` (or `0.1.10` over `v0.1.9`) would rewrite every
 * template, and every image would rebuild, for a spelling: the template reads the file as it
 * is written. Unless `allow-prefix-change` says the change is meant, the template fails,
 * saying which value to pass.
 */
function prefixRule(values: PinValue[], rules: PinRules): Verdict | null {
  const { version } = rules
  if (rules.allowPrefixChange || !(PREFIXED.test(version) || BARE.test(version))) return null
  const other = PREFIXED.test(version) ? BARE : PREFIXED
  const unlike = values.find((v) => other.test(v.reading))
  if (!unlike) return null
  const spelt = PREFIXED.test(version) ? version.slice(1) : `v${version}`
  const reason =
    `pins ${unlike.shown}, ${PREFIXED.test(version) ? 'without' : 'with'} the "v" that version ${version} ` +
    `${PREFIXED.test(version) ? 'has' : 'lacks'}: pass version ${spelt} to keep the pins' spelling, ` +
    `or set allow-prefix-change: true to write ${version}`
  return { kind: 'fail', reason, failure: 'version-prefix' }
}

/** The downgrade policy over every version the pins read now; `allow` writes and says so. */
function downgradeRule(changes: FileChange[], values: PinValue[], rules: PinRules): Verdict {
  const { version, downgrade } = rules
  const newer = values.find((v) => v.reading !== '' && (compareVersions(version, v.reading) ?? 0) < 0)
  const uncomparable = values.find((v) => v.reading !== '' && compareVersions(version, v.reading) === null)
  if (newer && downgrade === 'skip')
    return { kind: 'skip', reason: `pins ${newer.shown}, newer than ${version} (downgrade: skip)`, newer: newer.shown }
  if (newer && downgrade === 'fail')
    return {
      kind: 'fail',
      reason: `pins ${newer.shown}, newer than ${version} (downgrade: fail)`,
      failure: 'downgrade'
    }
  const note = newer
    ? `a downgrade from ${newer.shown}`
    : uncomparable && `versions could not be compared (${uncomparable.shown} → ${version})`
  return note ? { kind: 'write', changes, note } : { kind: 'write', changes }
}

/** A template every pin of which already reads the version: said the same wherever it is found. */
export function alreadyPinned(version: string, branch?: string): string {
  return `already pinned to ${version}${branch ? ` on ${branch}` : ''}`
}
