import { ApiError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { FileRead } from '../forge/forge-shapes.js'
import type { BatchShape, RepoFacts } from '../forge/graphql-look-up.js'
import { BatchAnswerError } from '../forge/graphql-look-up.js'
import type { Settings } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'
import { pinPaths } from '../inputs/pins-input.js'
import { runPool } from '../shared/pool.js'
import { API_ATTEMPTS } from '../shared/retry-policy.js'
import type { Log } from '../shared/log.js'
import { probeAnswer, type LookUp } from './look-up.js'

/**
 * GitHub's look-up round for every template before the first one starts: one GraphQL query per
 * batch instead of four or five REST requests per template. Sized by GitHub's documented
 * limits: a query without connections costs one point whatever its size, the node limit
 * (500,000) is far off, and a request GitHub cannot finish in 10 seconds is cut (GitHub docs,
 * "Rate limits and query limits for the GraphQL API"), so a batch holds at most 100
 * repositories and 300 file reads. Two batches at a time, well inside the limit on concurrent
 * requests. A template the batch cannot answer exactly (graphql-look-up.ts), or a batch that
 * fails for good, is looked up through REST in its turn, as on Gitea.
 */
export const MAX_REPOS_PER_QUERY = 100
export const MAX_READS_PER_QUERY = 300
const QUERIES_AT_ONCE = 2

export interface LookAheadFigures {
  queries: number
  /** Templates the queries answered. */
  answered: number
  /** Templates left to the REST look-up (the log says why, grouped). */
  toRest: number
}

export class LookAhead {
  private readonly found = new Map<string, LookUp>()
  readonly figures: LookAheadFigures = { queries: 0, answered: 0, toRest: 0 }

  /** The batches, all of them, before the pool starts. A RunStopError (bad token, rate limit) propagates. */
  static async run(api: ForgeApi, templates: TemplateRef[], settings: Settings, log: Log): Promise<LookAhead> {
    const ahead = new LookAhead()
    const shape = shapeOf(settings)
    const reads = Math.max(1, shape.paths.length * (shape.bump ? 2 : 1))
    const size = Math.max(1, Math.min(MAX_REPOS_PER_QUERY, Math.floor(MAX_READS_PER_QUERY / reads)))
    const batches: TemplateRef[][] = []
    for (let i = 0; i < templates.length; i += size) batches.push(templates.slice(i, i + size))
    const why = new Map<string, number>()
    await runPool(batches, QUERIES_AT_ONCE, async (batch) => {
      const call = { group: new RetryGroup(API_ATTEMPTS - 1), subject: 'look-up batch' }
      try {
        ahead.figures.queries++
        const items = await api.lookUpBatch(batch, shape, call)
        items.forEach((item, i) => {
          if (item.kind === 'found') ahead.keep(batch[i], lookUpOf(item.facts, settings))
          else why.set(item.why, (why.get(item.why) ?? 0) + 1)
        })
      } catch (error) {
        if (!(error instanceof ApiError) && !(error instanceof BatchAnswerError)) throw error
        const said = `a query failed (${error.message})`
        why.set(said, (why.get(said) ?? 0) + batch.length)
      }
    })
    ahead.figures.answered = ahead.found.size
    ahead.figures.toRest = templates.length - ahead.found.size
    log(
      `look-up: ${ahead.figures.answered} of ${templates.length} template(s) in ${ahead.figures.queries} GraphQL ` +
        `quer${ahead.figures.queries === 1 ? 'y' : 'ies'}` +
        (why.size > 0 ? `; through REST: ${[...why].map(([w, n]) => `${n} ${w}`).join(', ')}` : '')
    )
    return ahead
  }

  private keep(ref: TemplateRef, seen: LookUp): void {
    this.found.set(ref.fullName.toLowerCase(), seen)
  }

  /** The template's look-up, once (then it is forgotten, so the memory goes with it); undefined: ask REST. */
  take(ref: TemplateRef): LookUp | undefined {
    const key = ref.fullName.toLowerCase()
    const seen = this.found.get(key)
    this.found.delete(key)
    return seen
  }

  /** Every answered look-up still held, for the quota estimate before the first write. */
  held(): Iterable<LookUp> {
    return this.found.values()
  }
}

function shapeOf(settings: Settings): BatchShape {
  const paths = [...new Set([...settings.probePaths, ...pinPaths(settings.pins)])]
  return {
    paths,
    ...(settings.branch ? { branch: settings.branch } : {}),
    ...(settings.mode === 'pull-request' ? { bump: settings.pr.branch } : {})
  }
}

/** The batch's facts in the shape of the REST look-up (look-up.ts), so that everything after it is one road. */
export function lookUpOf(facts: RepoFacts, settings: Settings): LookUp {
  const pins = pinPaths(settings.pins)
  const absent: FileRead = { kind: 'absent' }
  const pick = (files: RepoFacts['at']['files']) => new Map(pins.map((p) => [p, files.get(p) ?? absent]))
  const seen: LookUp = {
    repo: facts.repo,
    branchExists: settings.branch ? facts.at.tip !== null : true,
    ...probeAnswer(settings.probePaths, (path) => facts.at.files.get(path)),
    files: pick(facts.at.files)
  }
  if (facts.bump) seen.bump = { tip: facts.bump.tip, files: pick(facts.bump.files) }
  if (facts.at.tip) seen.base = facts.at.tip
  return seen
}
