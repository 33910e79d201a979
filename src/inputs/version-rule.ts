import { InputError } from '../shared/errors.js'

/**
 * What may be written into every template as a version. Two rules, both checked before any
 * request:
 * - always: 1 to 128 of letters, digits and `. + _ -`, starting with a letter or digit (the
 *   version goes into files, commit messages and branch names), and never a word that a tool
 *   prints for a missing value (`jq -r` prints `null`, Python `None`, JavaScript `undefined`);
 * - the shape: by default a digit first, or `v` and a digit (semver, PEP 440 and calendar
 *   versions all fit; `latest`, `main` and `stable` do not). A team whose versions look
 *   otherwise describes them with `version-pattern`, a regular expression the whole value must
 *   match.
 */
const SAFE = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,127}$/
const DEFAULT_SHAPE = /^v?[0-9][0-9A-Za-z.+_-]*$/
const MISSING = /^(null|none|nil|undefined|nan)$/i
const EXAMPLES = '1.2.3, 2024.10.1, 1.0.0rc1, 1.2.3+build.5 or v1.2.3'

/** `version-pattern` as given: anchored to the whole value; empty keeps the default shape. */
export function versionShape(pattern: string): RegExp | null {
  const text = pattern.trim()
  if (!text) return null
  try {
    return new RegExp(`^(?:${text})$`)
  } catch (error) {
    throw new InputError(`version-pattern: "${text}" is not a regular expression (${(error as Error).message})`)
  }
}

/** The version, or an InputError that names the value and says what a version looks like. */
export function checkVersion(version: string, shape: RegExp | null): string {
  const shown = JSON.stringify(version)
  if (MISSING.test(version))
    throw new InputError(
      `version: ${shown} is not a version: it is what a tool prints for a missing value (jq -r prints null). ` +
        `Check the step that produced it; a version looks like ${EXAMPLES}`
    )
  if (!SAFE.test(version))
    throw new InputError(
      `version: ${shown} is not a version: use 1 to 128 characters of letters, digits and . + _ -, ` +
        `starting with a letter or digit, such as ${EXAMPLES}`
    )
  if (shape && !shape.test(version))
    throw new InputError(`version: ${shown} does not match version-pattern (${shape.source.slice(4, -2)})`)
  if (!shape && !DEFAULT_SHAPE.test(version))
    throw new InputError(
      `version: ${shown} is not a version: a version starts with a digit, or v and a digit, such as ${EXAMPLES}. ` +
        'If your versions look otherwise, describe them with version-pattern (a regular expression)'
    )
  return version
}
