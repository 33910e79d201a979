import type { FileRead } from '../forge/forge-shapes.js'
import type { Settings } from '../inputs/settings.js'
import { describePin, isPinned, templateReading } from '../shared/pin-text.js'
import { compareVersions } from '../shared/version-order.js'

/**
 * The consumer guard. The highest-risk failure of the cascade is silent: the pin lands, the
 * template rebuilds, CI is green, but its publish workflow never reads the version file, so the
 * image is built with the old runtime. The look-up round has already read the probed workflows;
 * when none of them mentions the version file's path, this says why that matters. It cannot see
 * a workflow that reads the pin only through a called reusable workflow (`require-consumer:
 * off` is there for that).
 */
export function missingConsumer(
  workflows: Array<{ path: string; bytes: Buffer | null }>,
  settings: Pick<Settings, 'versionFile'>
): string | null {
  const readable = workflows.filter((w): w is { path: string; bytes: Buffer } => w.bytes !== null)
  if (readable.length === 0 || readable.some((w) => w.bytes.includes(settings.versionFile))) return null
  const names = readable.map((w) => w.path).join(', ')
  return `${names} does not mention ${settings.versionFile}: a push may rebuild the image with the old runtime`
}

/** Check mode's verdict on a template: current (pins the version) or lagging (and how). */
export type Drift = { status: 'current' | 'lagging'; reason: string } | { status: 'failed'; reason: string }

export function drift(file: FileRead, settings: Pick<Settings, 'version' | 'versionFile'>): Drift {
  const { version, versionFile } = settings
  if (file.kind === 'other') return { status: 'failed', reason: `${versionFile} is not a regular file (${file.type})` }
  if (file.kind !== 'file') return { status: 'lagging', reason: `no ${versionFile}` }
  if (isPinned(file.bytes, version)) return { status: 'current', reason: `pins ${version}` }
  const was = describePin(file.bytes)
  const order = compareVersions(version, templateReading(file.bytes).toString('utf8'))
  if (order === null) return { status: 'lagging', reason: `pins ${was} (not comparable with ${version})` }
  if (order > 0) return { status: 'lagging', reason: `pins ${was}, older than ${version}` }
  if (order < 0) return { status: 'lagging', reason: `pins ${was}, newer than ${version}` }
  return { status: 'lagging', reason: `pins ${was}, the same version written differently` }
}
