import { ApiError } from '../forge/api-error.js'
import { RunStopError } from '../shared/run-control.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { RepoInfo } from '../forge/forge-shapes.js'
import type { TemplateEntry, TemplateRef, TemplateSource } from '../inputs/template-list.js'
import type { Log } from '../shared/log.js'

/** A source that cannot be listed, or lists nothing: the run stops before any template. */
export class SourceError extends RunStopError {
  constructor(message: string) {
    super(message, `not attempted: ${message}`, message)
  }
}

/**
 * The templates the run works on: explicit names as given, and each source (`org:`, `topic:`)
 * listed from the forge, in order, duplicates collapsed (case-insensitively, the first spelling
 * kept). Archived repositories, mirrors and forks are left out of a source, and the log says so
 * with counts; the probe still decides which of the rest take part. A source that lists nothing,
 * or names an owner the forge does not know, is an error before any write: a typo never looks
 * like success.
 */
export async function expandSources(entries: TemplateEntry[], api: ForgeApi, log: Log): Promise<TemplateRef[]> {
  const refs: TemplateRef[] = []
  const seen = new Set<string>()
  const add = (ref: TemplateRef) => {
    if (seen.has(ref.fullName.toLowerCase())) return
    seen.add(ref.fullName.toLowerCase())
    refs.push(ref)
  }
  for (const entry of entries) {
    if (entry.kind === undefined) {
      add(entry)
      continue
    }
    const repos = await list(entry, api, log)
    const left = { archived: 0, mirror: 0, fork: 0 }
    const kept = repos.filter((r) => {
      const why = r.archived ? 'archived' : r.mirror ? 'mirror' : r.fork ? 'fork' : null
      if (why) left[why]++
      return why === null
    })
    const out = Object.entries(left).filter(([, n]) => n > 0)
    const leftOut =
      out.length > 0 ? ` (left out: ${out.map(([why, n]) => `${n} ${why}${n > 1 ? 's' : ''}`).join(', ')})` : ''
    if (kept.length === 0) {
      throw new SourceError(`templates: ${entry.fullName} lists no repository to work on${leftOut}: is the name right?`)
    }
    const names = kept.map((r) => r.fullName).sort((a, b) => a.localeCompare(b))
    log(
      `${entry.fullName} → ${names.length} repositor${names.length === 1 ? 'y' : 'ies'}${leftOut}: ${names.join(' ')}`
    )
    for (const name of names) {
      const [owner, repo] = name.split('/')
      add({ owner, repo, fullName: name })
    }
  }
  return refs
}

async function list(source: TemplateSource, api: ForgeApi, log: Log): Promise<RepoInfo[]> {
  let listed: { repos: RepoInfo[]; note?: string } | null
  // The owner picks the token where tokens are per owner (a GitHub App's installations).
  const call = { owner: source.owner }
  try {
    listed =
      source.kind === 'org'
        ? await api.listing.ownerRepos(source.owner, call)
        : await api.listing.topicRepos(source.topic!, source.owner, call).then((repos) => repos && { repos })
  } catch (error) {
    if (error instanceof ApiError && error.notInstalled)
      throw new SourceError(`templates: ${source.fullName}: ${error.message}`)
    if (error instanceof ApiError)
      throw new SourceError(`templates: listing ${source.fullName} failed: ${error.message}`)
    throw error
  }
  if (listed === null)
    throw new SourceError(`templates: ${source.fullName}: the forge knows no organisation or user "${source.owner}"`)
  if (listed.note) log(`${source.fullName}: ${listed.note}`)
  // The search matches topic names exactly on both forges (Gitea's topic=true, GitHub's topic:
  // qualifier), so its answer is not filtered again: Gitea 1.22's repository JSON has no
  // `topics` at all, and such a filter would drop every repository.
  return listed.repos
}
