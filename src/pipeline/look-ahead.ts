import { ApiError } from '../forge/api-error.js'
import type { ForgeApi } from '../forge/forge-api.js'
import { RetryGroup } from '../forge/retry-group.js'
import type { FileRead } from '../forge/forge-shapes.js'
import type { BatchShape, RepoFacts } from '../forge/graphql-look-up.js'
import { BatchAnswerError, BatchTimeoutError, queryCost } from '../forge/graphql-look-up.js'
import { MinutePoints } from '../forge/minute-points.js'
import { sleep } from '../shared/retry-policy.js'
import { BatchSizer } from './batch-sizer.js'
import type { Settings } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'
import { pinPaths } from '../inputs/pins-input.js'
import { API_ATTEMPTS } from '../shared/retry-policy.js'
import type { Log } from '../shared/log.js'
import { probeAnswer, type LookUp } from './look-up.js'

/**
 * GitHub's look-up round for every template before the first one starts: one GraphQL query per
 * batch instead of four or five REST requests per template. A batch holds at most 100
 * repositories and 300 file reads (the node limit, 500,000, is far off), and the next batch's
 * size follows how long the answers take (batch-sizer.ts): GitHub cuts any request at 10
 * seconds, and a cut batch is asked again in halves, never whole, down to one repository, which
 * then goes to REST. Two queries at a time, and no more than 45 s of GraphQL answers in any
 * minute: GitHub's secondary limit allows 60 s of GraphQL CPU time a minute, which "can roughly
 * be estimated by measuring the total response time" (docs, About secondary rate limits). A
 * template the batch cannot answer exactly (graphql-look-up.ts), or a batch that fails for good,
 * is looked up through REST in its turn, as on Gitea.
 */
export const MAX_REPOS_PER_QUERY = 100
export const MAX_READS_PER_QUERY = 300
const QUERIES_AT_ONCE = 2
const GRAPHQL_MS_PER_MINUTE = 45_000

export interface LookAheadFigures {
  queries: number
  /** Templates the queries answered. */
  answered: number
  /** Templates left to the REST look-up (the log says why, grouped). */
  toRest: number
  /** Queries GitHub cut at its deadline, each then asked in halves. */
  cut: number
  /** GraphQL points charged: the answers' `rateLimit { cost }`, or the documented score where none said it. */
  points: number
}

export class LookAhead {
  private readonly found = new Map<string, LookUp>()
  readonly figures: LookAheadFigures = { queries: 0, answered: 0, toRest: 0, cut: 0, points: 0 }
  private readonly why = new Map<string, number>()

  /** The batches, all of them, before the pool starts. A RunStopError (bad token, rate limit) propagates. */
  static async run(api: ForgeApi, templates: TemplateRef[], settings: Settings, log: Log): Promise<LookAhead> {
    const ahead = new LookAhead()
    const shape = shapeOf(settings)
    const reads = Math.max(1, shape.paths.length * (shape.bump ? 2 : 1))
    const sizer = new BatchSizer(Math.min(MAX_REPOS_PER_QUERY, Math.floor(MAX_READS_PER_QUERY / reads)))
    const answerTime = new MinutePoints(GRAPHQL_MS_PER_MINUTE)
    const queue = new BatchQueue(templates, sizer, api.tokensPerOwner)
    const lane = async () => {
      for (let batch = queue.take(); batch; batch = queue.take()) {
        for (let wait = answerTime.take(0); wait > 0; wait = answerTime.take(0)) await sleep(wait)
        const started = Date.now()
        const cut = await ahead.ask(api, batch, shape, settings)
        const ms = Date.now() - started
        answerTime.spend(ms)
        if (!cut) sizer.answered(batch.length, ms)
        else if (batch.length > 1) {
          sizer.timedOut(batch.length, ms)
          queue.split(batch)
        } else ahead.count('cut by GitHub even alone', 1)
      }
    }
    await Promise.all(Array.from({ length: QUERIES_AT_ONCE }, lane))
    ahead.figures.answered = ahead.found.size
    ahead.figures.toRest = templates.length - ahead.found.size
    log(ahead.summary(templates.length))
    return ahead
  }

  /** One query; true when GitHub cut it (its templates are then neither answered nor sent to REST yet). */
  private async ask(api: ForgeApi, batch: TemplateRef[], shape: BatchShape, settings: Settings): Promise<boolean> {
    const call = { group: new RetryGroup(API_ATTEMPTS - 1), subject: 'look-up batch', owner: batch[0].owner }
    this.figures.queries++
    try {
      const { items, cost } = await api.lookUpBatch(batch, shape, call)
      this.figures.points += cost ?? queryCost(batch.length, shape)
      items.forEach((item, i) => {
        if (item.kind === 'found') this.keep(batch[i], lookUpOf(item.facts, settings))
        else this.count(item.why, 1)
      })
      return false
    } catch (error) {
      if (error instanceof BatchTimeoutError) {
        this.figures.cut++
        this.figures.points += queryCost(batch.length, shape) // charged all the same (changelog 2025-07-21)
        return true
      }
      if (!(error instanceof ApiError) && !(error instanceof BatchAnswerError)) throw error
      this.count(`a query failed (${error.message})`, batch.length)
      return false
    }
  }

  private count(why: string, n: number): void {
    this.why.set(why, (this.why.get(why) ?? 0) + n)
  }

  private summary(total: number): string {
    const { answered, queries, cut } = this.figures
    return (
      `look-up: ${answered} of ${total} template(s) in ${queries} GraphQL quer${queries === 1 ? 'y' : 'ies'}` +
      (cut > 0 ? ` (${cut} cut by GitHub's time limit and asked again in halves)` : '') +
      (this.why.size > 0 ? `; through REST: ${[...this.why].map(([w, n]) => `${n} ${w}`).join(', ')}` : '')
    )
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

/**
 * The batches still to ask: halves of cut batches first, then the list in order, each batch as
 * big as the sizer says. With a GitHub App a token sees one owner's repositories, so a batch
 * then holds one owner's templates (owners in the order first met).
 */
class BatchQueue {
  private readonly halves: TemplateRef[][] = []
  private readonly groups: TemplateRef[][]
  private group = 0
  private next = 0

  constructor(
    templates: TemplateRef[],
    private readonly sizer: BatchSizer,
    perOwner: boolean
  ) {
    const owners = new Map<string, TemplateRef[]>()
    for (const t of templates) {
      const key = perOwner ? t.owner.toLowerCase() : ''
      owners.set(key, [...(owners.get(key) ?? []), t])
    }
    this.groups = [...owners.values()]
  }

  take(): TemplateRef[] | undefined {
    const half = this.halves.shift()
    if (half) return half
    while (this.group < this.groups.length && this.next >= this.groups[this.group].length) {
      this.group++
      this.next = 0
    }
    if (this.group >= this.groups.length) return undefined
    const batch = this.groups[this.group].slice(this.next, this.next + this.sizer.next())
    this.next += batch.length
    return batch
  }

  /** A cut batch, asked again in two halves before anything new. */
  split(batch: TemplateRef[]): void {
    const half = Math.ceil(batch.length / 2)
    this.halves.push(batch.slice(0, half), batch.slice(half))
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
