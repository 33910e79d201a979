import { InputError } from '../shared/errors.js'

export interface TemplateRef {
  owner: string
  repo: string
  /** owner/repo as written (first spelling wins when duplicates collapse). */
  fullName: string
}

// Gitea/Forgejo and GitHub accept letters, digits, '-', '_' and '.' in owner and repository
// names. Anything else (a space, a slash too many, a shell metacharacter) is a typo or worse.
const NAME = /^[A-Za-z0-9_.-]{1,100}$/

export function validName(name: string): boolean {
  return NAME.test(name) && !name.includes('..') && name !== '.'
}

/** Splits a `templates` value: newlines, commas or spaces; `#` starts a comment to end of line. */
export function splitTemplateList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, ''))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((word) => word.length > 0)
}

/**
 * Resolves names to owner/repo, validates them, and collapses duplicates case-insensitively
 * (forges match names that way, so `Org/Repo` and `org/repo` are one repository).
 */
export function resolveTemplates(words: string[], defaultOwner: string): TemplateRef[] {
  if (words.length === 0) {
    throw new InputError(
      'templates: the list is empty; name at least one repository (repo or owner/repo), or give templates-file'
    )
  }
  const seen = new Set<string>()
  const refs: TemplateRef[] = []
  for (const word of words) {
    const parts = word.split('/')
    if (parts.length > 2) throw new InputError(`templates: "${word}" is not repo or owner/repo`)
    const [owner, repo] = parts.length === 2 ? parts : [defaultOwner, parts[0]]
    if (parts.length === 1 && !defaultOwner) {
      throw new InputError(`templates: "${word}" has no owner and the owner input is empty; write it as owner/repo`)
    }
    if (!validName(owner)) throw new InputError(`templates: "${word}" has an invalid owner "${owner}"`)
    if (!validName(repo)) throw new InputError(`templates: "${word}" has an invalid repository name "${repo}"`)
    const key = `${owner}/${repo}`.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    refs.push({ owner, repo, fullName: `${owner}/${repo}` })
  }
  return refs
}
