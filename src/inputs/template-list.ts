import { InputError } from '../shared/errors.js'

export interface TemplateRef {
  kind?: undefined
  owner: string
  repo: string
  /** owner/repo as written (first spelling wins when duplicates collapse). */
  fullName: string
}

/** Templates found on the forge: every repository of an owner, or those carrying a topic. */
export interface TemplateSource {
  kind: 'org' | 'topic'
  owner: string
  topic?: string
  /** As written: `org:acme`, `topic:runtime-template@acme`. */
  fullName: string
}

export type TemplateEntry = TemplateRef | TemplateSource

// Gitea: letters, digits and dashes, 35 at most; GitHub: lowercase letters, digits, dashes, 50.
const TOPIC = /^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/

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
 * Resolves names to owner/repo and sources to what they will list, validates them, and collapses
 * duplicates case-insensitively (forges match names that way, so `Org/Repo` and `org/repo` are
 * one repository).
 */
export function resolveTemplates(words: string[], defaultOwner: string, serverUrl?: string): TemplateEntry[] {
  if (words.length === 0) {
    throw new InputError(
      'templates: the list is empty; name at least one repository (repo or owner/repo), or give templates-file'
    )
  }
  const seen = new Set<string>()
  const refs: TemplateEntry[] = []
  for (const word of words) {
    const source = /^(org|topic):(.*)$/i.exec(word)
    if (source) {
      const entry = parseSource(source[1].toLowerCase() as 'org' | 'topic', source[2], defaultOwner, word)
      if (!seen.has(entry.fullName.toLowerCase())) refs.push(entry)
      seen.add(entry.fullName.toLowerCase())
      continue
    }
    const parts = repositoryWords(word, serverUrl).split('/')
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

function parseSource(kind: 'org' | 'topic', rest: string, defaultOwner: string, word: string): TemplateSource {
  if (kind === 'org') {
    if (!validName(rest))
      throw new InputError(`templates: "${word}" names no organisation or user: write it as org:NAME`)
    return { kind, owner: rest, fullName: `org:${rest}` }
  }
  const [topic, owner = defaultOwner] = rest.split('@')
  if (!TOPIC.test(topic)) throw new InputError(`templates: "${word}" has an invalid topic "${topic}"`)
  if (!owner)
    throw new InputError(`templates: "${word}" has no owner and the owner input is empty; write it as topic:NAME@OWNER`)
  if (!validName(owner)) throw new InputError(`templates: "${word}" has an invalid owner "${owner}"`)
  return { kind, owner, topic, fullName: `topic:${topic}@${owner}` }
}

/**
 * The forms a repository is copied in, as owner/repo: `owner/repo.git` (a clone URL's tail) and
 * `https://<this forge>/owner/repo` (its page or clone URL). A URL on another host is refused:
 * the token is for this forge, and the name would not be found here.
 */
function repositoryWords(word: string, serverUrl: string | undefined): string {
  if (!/^https?:\/\//i.test(word)) return word.replace(/\.git$/i, '')
  let url: URL
  try {
    url = new URL(word)
  } catch {
    throw new InputError(`templates: "${word}" is not a URL, nor repo or owner/repo`)
  }
  const server = serverUrl ? new URL(serverUrl) : undefined
  const base = server ? server.pathname.replace(/\/+$/, '') : ''
  if (!server || url.origin !== server.origin) {
    // owner/repo would name the repository of that name on this forge: another one altogether.
    throw new InputError(
      `templates: "${word}" is on another host (${url.host}), not on this forge (${serverUrl ?? 'server-url'}): ` +
        "this run's token and API are this forge's. Pin that host's templates in a step of their own, with its server-url, api-url and token"
    )
  }
  if (!url.pathname.startsWith(`${base}/`))
    throw new InputError(`templates: "${word}" is not below this forge's address (${serverUrl})`)
  const path = url.pathname
    .slice(base.length)
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
  if (path.split('/').length !== 2) throw new InputError(`templates: "${word}" names no owner/repo on this forge`)
  return decodeURIComponent(path)
}
