import type { TemplateResult } from './template-result.js'

/**
 * Names that turn out to be one repository are one template. Case-different spellings collapse
 * when the list is read; a renamed or transferred repository listed under its old and its new
 * name (the old one redirects) is only known once the forge has answered, so the first name
 * whose look-up resolves to a repository claims it, and any later one is folded into that
 * template's result instead of writing the same repository twice.
 */
export class RepoClaims {
  private readonly owners = new Map<string, string>()

  /** The template that already claimed `repo` (as the forge names it), or null when this one does. */
  claim(repo: string, template: string): string | null {
    const key = repo.toLowerCase()
    const owner = this.owners.get(key)
    if (owner !== undefined && owner !== template) return owner
    this.owners.set(key, template)
    return null
  }
}

/**
 * The results with every `sameAs` folded into the result of the template it names, which then
 * says which names it covered. Order is kept; a folded result leaves its place.
 */
export function foldSameRepository(results: TemplateResult[]): TemplateResult[] {
  const covered = new Map<string, string[]>()
  for (const r of results) if (r.sameAs) covered.set(r.sameAs, [...(covered.get(r.sameAs) ?? []), r.template])
  return results
    .filter((r) => !r.sameAs)
    .map((r) => {
      const others = covered.get(r.template)
      if (!others) return r
      const names = [r.template, ...others]
      return { ...r, names, reason: `${r.reason}; listed as ${names.join(' and ')}: one repository, written once` }
    })
}
