import type { FileRead } from '../forge/forge-shapes.js'
import type { Settings } from '../inputs/settings.js'
import { describePin, isPinned, templateReading } from '../shared/pin-text.js'
import { compareVersions } from '../shared/version-order.js'

/** What to do with a template, judged from its version file. */
export type Verdict =
  | { kind: 'pinned' }
  /** `was`: what it pins now, for people ("0.1.0", "empty"); null when the file is absent. */
  | { kind: 'write'; was: string | null; note?: string }
  | { kind: 'skip'; reason: string }
  /** `policy`: the downgrade policy refused it (not the file's shape). */
  | { kind: 'fail'; reason: string; policy?: true }

/**
 * The one judgement of a version file, made wherever it was read: by the look-up round, and
 * again after a write found the file changed (the API transport re-reads before it writes
 * again). Pinned means pinned as the template reads it; then the downgrade policy.
 */
export function judgePin(file: FileRead, settings: Pick<Settings, 'version' | 'versionFile' | 'downgrade'>): Verdict {
  if (file.kind === 'absent') return { kind: 'write', was: null }
  if (file.kind === 'empty-repository') return { kind: 'skip', reason: 'empty repository (no branch to pin)' }
  if (file.kind === 'other')
    return { kind: 'fail', reason: `${settings.versionFile} is not a regular file (${file.type})` }
  if (isPinned(file.bytes, settings.version)) return { kind: 'pinned' }
  const was = describePin(file.bytes)
  const reading = templateReading(file.bytes).toString('utf8')
  if (reading === '') return { kind: 'write', was }
  const order = compareVersions(settings.version, reading)
  if (order === null)
    return { kind: 'write', was, note: `versions could not be compared (${was} → ${settings.version})` }
  if (order < 0) {
    if (settings.downgrade === 'skip') return { kind: 'skip', reason: `pin ${was} is newer` }
    if (settings.downgrade === 'fail')
      return { kind: 'fail', reason: `pin ${was} is newer than ${settings.version} (downgrade: fail)`, policy: true }
    return { kind: 'write', was, note: `a downgrade from ${was}` }
  }
  return { kind: 'write', was }
}

/** The file's new content: exactly the version and one newline. */
export function pinBytes(version: string): Buffer {
  return Buffer.from(`${version}\n`, 'utf8')
}
