import type { FileRead } from '../forge/forge-shapes.js'
import { readFilePins, type PinValue } from '../pins/file-pins.js'
import type { PinRules } from '../pins/pin-judgement.js'
import { pinPaths, type Pin } from '../inputs/pins-input.js'
import { compareVersions } from '../shared/version-order.js'

/**
 * The consumer guard. The highest-risk failure of the cascade is silent: the pin lands, the
 * template rebuilds, CI is green, but its publish workflow never reads the version file, so the
 * image is built with the old runtime. The look-up round has already read the probed workflows;
 * when none of them mentions the version file's path, this says why that matters. It cannot see
 * a workflow that reads the pin only through a called reusable workflow (`require-consumer:
 * off` is there for that).
 */
export function missingConsumer(workflows: Array<{ path: string; bytes: Buffer | null }>, pins: Pin[]): string | null {
  // A pattern pin's file (a Dockerfile, requirements.txt) is read by the build, not named by the
  // workflow: the guard looks for the whole-file pins only.
  const files = pins.filter((p) => p.kind === 'file').map((p) => p.path)
  const readable = workflows.filter((w): w is { path: string; bytes: Buffer } => w.bytes !== null)
  if (files.length === 0 || readable.length === 0) return null
  const missing = files.filter((f) => !readable.some((w) => w.bytes.includes(f)))
  if (missing.length === 0) return null
  const names = readable.map((w) => w.path).join(', ')
  return `${names} does not mention ${missing.join(', ')}: a push may rebuild the image with the old runtime`
}

/** Check mode's verdict on a template: current (every pin reads V) or lagging (and which pins). */
export type Drift = { status: 'current' | 'lagging'; reason: string } | { status: 'failed'; reason: string }

export function drift(reads: ReadonlyMap<string, FileRead>, rules: Pick<PinRules, 'version' | 'pins'>): Drift {
  const { version, pins } = rules
  const lags: string[] = []
  for (const path of pinPaths(pins)) {
    const file = readFilePins(
      path,
      pins.filter((p) => p.path === path),
      reads.get(path) ?? { kind: 'absent' },
      version
    )
    if (file.kind === 'fail') return { status: 'failed', reason: file.reason }
    if (file.kind === 'ignored' || file.next === null) continue
    // One pin keeps its short form ("pins 0.1.0, older than 0.2.0"); several name their file.
    const named = (text: string) => (pins.length > 1 ? `${path} ${text}` : text)
    if (file.values.length === 0) lags.push(`no ${path}`)
    for (const value of file.values) if (value.reading !== version) lags.push(named(lag(value, version)))
  }
  if (lags.length === 0) return { status: 'current', reason: `pins ${version}` }
  return { status: 'lagging', reason: lags.join('; ') }
}

function lag(value: PinValue, version: string): string {
  const was = value.shown
  const order = compareVersions(version, value.reading)
  if (order === null) return `pins ${was} (not comparable with ${version})`
  if (order > 0) return `pins ${was}, older than ${version}`
  if (order < 0) return `pins ${was}, newer than ${version}`
  return `pins ${was}, the same version written differently`
}
