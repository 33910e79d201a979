import type { TemplateResult } from '../pipeline/template-result.js'

const PREFIXED = /^v\d/i
const BARE = /^\d/

/**
 * `version: v1.2.3` is written as given, and a template whose pins read `1.2.2` then reads
 * `v1.2.3`; a later check with `1.2.3` calls them "the same version written differently". When
 * the version's `v` prefix and the templates' pins disagree (some pins with, the version
 * without, or the reverse), say so once, with examples, so the operator can choose.
 */
export function versionPrefixWarning(version: string, results: readonly TemplateResult[]): string | null {
  const prefixed = PREFIXED.test(version)
  if (!prefixed && !BARE.test(version)) return null
  const other = prefixed ? BARE : PREFIXED
  const unlike = results.filter((r) => r.pinnedBefore !== undefined && other.test(r.pinnedBefore))
  if (unlike.length === 0) return null
  const examples = unlike
    .slice(0, 3)
    .map((r) => `${r.template} pinned ${r.pinnedBefore}`)
    .join(', ')
  const more = unlike.length > 3 ? ` and ${unlike.length - 3} more` : ''
  return prefixed
    ? `version ${version} has a "v" prefix, and the templates' pins did not (${examples}${more}): templates read the file as it is written. If they expect ${version.slice(1)}, pass that.`
    : `version ${version} has no "v" prefix, and the templates' pins did (${examples}${more}): templates read the file as it is written. If they expect v${version}, pass that.`
}
