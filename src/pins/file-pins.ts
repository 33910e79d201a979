import type { FileRead } from '../forge/forge-shapes.js'
import type { Pin } from '../inputs/pins-input.js'
import { describePin, templateReading } from './pin-text.js'

/** One pin's current value: as the template reads it, and as a person is shown it. */
export interface PinValue {
  reading: string
  shown: string
}

/**
 * What one file's pins read, and the file with every pin set to V:
 * - `read`: `values` found (none: a whole-file pin's file is absent), `next` the new bytes, or
 *   null when every pin already reads V; `sha` the blob replaced (null: created);
 * - `fail`: the file cannot be pinned as asked (missing, unmatched, not text, not a file);
 * - `ignored`: only optional pins, whose file is missing or which match nothing.
 */
export type FilePins =
  | { kind: 'read'; path: string; values: PinValue[]; next: Buffer | null; sha: string | null }
  | { kind: 'fail'; reason: string }
  | { kind: 'ignored' }

/** The pins of one file (a whole-file pin, or one or more patterns), judged on its bytes. */
export function readFilePins(path: string, pins: Pin[], file: FileRead, version: string): FilePins {
  if (file.kind === 'other') return { kind: 'fail', reason: `${path} is not a regular file (${file.type})` }
  const present = file.kind === 'file' ? file : null
  if (pins.some((p) => p.kind === 'file')) return wholeFile(path, present, version)
  const patterns = pins.filter((p): p is Extract<Pin, { kind: 'pattern' }> => p.kind === 'pattern')
  if (present === null) {
    const needed = patterns.find((p) => !p.optional)
    return needed ? { kind: 'fail', reason: `${path} not found (pin "${needed.text}")` } : { kind: 'ignored' }
  }
  const text = present.bytes.toString('utf8')
  // A file that is not UTF-8 would not survive the round trip unchanged: refuse, never mangle.
  if (!Buffer.from(text, 'utf8').equals(present.bytes))
    return { kind: 'fail', reason: `${path} is not UTF-8 text: its pins cannot be rewritten safely` }
  return rewrite(path, patterns, text, present.sha, version)
}

function wholeFile(path: string, file: { sha: string; bytes: Buffer } | null, version: string): FilePins {
  const next = Buffer.from(`${version}\n`, 'utf8')
  if (file === null) return { kind: 'read', path, values: [], next, sha: null }
  const value = { reading: templateReading(file.bytes).toString('utf8'), shown: describePin(file.bytes) }
  const pinned = templateReading(file.bytes).equals(Buffer.from(version, 'utf8'))
  return { kind: 'read', path, values: [value], next: pinned ? null : next, sha: file.sha }
}

/**
 * Every match of every pattern, in the file's own text: the `version` group's span replaced
 * by V, every other byte (line endings, other lines) kept. Patterns apply one after another,
 * so two patterns on one file see each other's rewrite.
 */
function rewrite(
  path: string,
  patterns: Array<Extract<Pin, { kind: 'pattern' }>>,
  original: string,
  sha: string,
  version: string
): FilePins {
  let text = original
  const values: PinValue[] = []
  for (const pin of patterns) {
    const regex = new RegExp(pin.regex.source, `${pin.regex.flags.replace(/[gd]/g, '')}gd`)
    const spans = [...text.matchAll(regex)].flatMap((m) => {
      const at = m.indices?.groups?.version
      return at ? [{ start: at[0], end: at[1], reading: m.groups?.version ?? '' }] : []
    })
    if (spans.length === 0) {
      if (pin.optional) continue
      return { kind: 'fail', reason: `"${pin.text}" matches nothing in ${path}` }
    }
    for (const span of spans) values.push({ reading: span.reading, shown: span.reading || 'empty' })
    // From the end, so earlier spans keep their offsets.
    for (const span of spans.reverse()) text = text.slice(0, span.start) + version + text.slice(span.end)
  }
  if (values.length === 0) return { kind: 'ignored' }
  return { kind: 'read', path, values, next: text === original ? null : Buffer.from(text, 'utf8'), sha }
}
