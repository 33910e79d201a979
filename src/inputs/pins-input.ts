import { Inputs } from '../shared/constants.js'
import { InputError } from '../shared/errors.js'
import { repoPath } from './input-values.js'

/**
 * One place a template pins the runtime:
 * - `file`: the whole file is the version (`V\n`), created where absent (`version-file`);
 * - `pattern`: every match of `regex` in the file has its `version` group rewritten to V,
 *   nothing else in the file changes. `text` is the line as written, for messages.
 */
export type Pin =
  { kind: 'file'; path: string } | { kind: 'pattern'; path: string; text: string; regex: RegExp; optional: boolean }

/** The pins' files, each once, in the order first named. */
export function pinPaths(pins: Pin[]): string[] {
  return [...new Set(pins.map((p) => p.path))]
}

/** What a version looks like after a prefix: the characters the `version` input allows. */
const VERSION_AFTER_PREFIX = '(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)'
const OPTIONAL = /\s+\(optional\)$/

/**
 * The `pins` input, one pin a line: `PATH` (the whole file), `PATH: PREFIX` (PREFIX followed by
 * a version), or `PATH: /REGEX/` (a regular expression with a named group `version`); a line
 * ending in ` (optional)` may find its file missing or its pattern unmatched. Blank lines and
 * lines starting with `#` are ignored. Every path is checked as `version-file` is.
 */
export function parsePins(text: string): Pin[] {
  const pins = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(parseLine)
  const whole = new Set(pins.filter((p) => p.kind === 'file').map((p) => p.path))
  const clash = pins.find((p) => p.kind === 'pattern' && whole.has(p.path))
  if (clash) throw new InputError(`pins: ${clash.path} is pinned whole and by a pattern: choose one`)
  if (whole.size < pins.filter((p) => p.kind === 'file').length)
    throw new InputError('pins: the same file is listed twice as a whole-file pin')
  return pins
}

function parseLine(line: string): Pin {
  const optional = OPTIONAL.test(line)
  const body = line.replace(OPTIONAL, '')
  const split = body.indexOf(': ')
  // "Dockerfile:" with the prefix forgotten must never become a whole-file pin of the Dockerfile.
  if (body.endsWith(':')) throw new InputError(`pins: "${line}" has no prefix after the colon`)
  if (split < 0) {
    if (optional) throw new InputError(`pins: "${line}": only a pattern pin can be optional`)
    return { kind: 'file', path: repoPath(Inputs.Pins, body) }
  }
  const path = repoPath(Inputs.Pins, body.slice(0, split))
  const spec = body.slice(split + 2).trim()
  if (spec === '') throw new InputError(`pins: "${line}" has no prefix after the colon`)
  return { kind: 'pattern', path, text: `${path}: ${spec}`, regex: patternOf(spec, line), optional }
}

function patternOf(spec: string, line: string): RegExp {
  const literal = /^\/(.+)\/$/.exec(spec)
  if (!literal) return new RegExp(escapeRegExp(spec) + VERSION_AFTER_PREFIX, 'g')
  let regex: RegExp
  try {
    regex = new RegExp(literal[1], 'gm')
  } catch (error) {
    throw new InputError(`pins: "${line}": not a regular expression (${(error as Error).message})`)
  }
  if (!/\(\?<version>/.test(literal[1]))
    throw new InputError(`pins: "${line}": the regular expression needs a named group (?<version>...)`)
  return regex
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
