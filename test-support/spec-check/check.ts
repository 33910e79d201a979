import type { Flavour, FlavourFacts } from '../forge/flavours.js'
import { bodyFieldAllowed, GO_POINTERS, READS, statusAllowed } from './allowances.js'
import { description, matchOperation, type Description, type Operation } from './descriptions.js'
import { checkGraphql } from './graphql-check.js'
import { fieldSchema, validate, type Schema } from './schema.js'

/** One API request the test forge served and what it answered. */
export interface Exchange {
  method: string
  /** Below the API base, without the query. */
  path: string
  query: URLSearchParams
  body: unknown
  status: number
  /** The JSON answer; undefined for a raw (non-JSON) one. */
  answer: unknown
}

export interface SpecReport {
  checked: number
  mismatches: string[]
}

/**
 * Holds each exchange against the flavour's own API description: the operation exists for that
 * method and path, its query parameters and body are declared and typed right, the status is
 * declared (or allowed, see allowances.ts), and a 2xx answer has only fields that release has,
 * typed right, and every field the action reads.
 */
export function checkExchanges(flavour: Flavour, facts: FlavourFacts, exchanges: Exchange[]): SpecReport {
  const d = description(flavour)
  const mismatches = new Set<string>()
  for (const x of exchanges) {
    for (const problem of checkOne(d, facts, x))
      mismatches.add(`${flavour} ${x.method} ${x.path} → ${x.status}: ${problem}`)
  }
  return { checked: exchanges.length, mismatches: [...mismatches] }
}

function checkOne(d: Description, facts: FlavourFacts, x: Exchange): string[] {
  // GraphQL is not in the REST description: its requests are held against GitHub's schema.
  if (facts.family === 'github' && x.path === '/graphql') return checkGraphql(x.body, x.answer)
  // GitHub's redirect target for a renamed repository (/repositories/{id}/...) is not in its
  // description; it answers as the /repos/{owner}/{repo} route it stands for.
  const path = x.path.replace(/^\/repositories\/\d+/, '/repos/_owner/_repo')
  const found = matchOperation(d, x.method, path)
  if (!found) {
    // An unknown route answers 404 on every forge (GitHub has no /version, say).
    return x.status === 404 || x.status === 401 ? [] : ['no such operation in the description']
  }
  const { key, op } = found
  const problems = [...checkRequest(d, op, x, (p) => bodyFieldAllowed(facts.family, key, p))]
  const declared = op.responses[String(x.status)] !== undefined || op.responses.default !== undefined
  if (!declared && !statusAllowed(x.status, facts.family, key))
    problems.push(`status ${x.status} is not declared for ${key}`)
  if (x.status >= 200 && x.status < 300 && x.answer !== undefined) {
    const schema = op.responses[String(x.status)] ?? null
    if (schema) problems.push(...checkAnswer(d, facts, key, schema, x.answer))
  }
  return problems
}

function checkRequest(d: Description, op: Operation, x: Exchange, allowed: (problem: string) => boolean): string[] {
  const problems: string[] = []
  for (const [name, value] of x.query) {
    const declared = op.query[name]
    if (!declared) problems.push(`query parameter "${name}" is not declared`)
    else if (!queryFits(value, declared)) problems.push(`query parameter "${name}=${value}" is not ${declared.t}`)
  }
  if (x.body !== undefined) {
    if (!op.body) problems.push('a request body where none is declared')
    else
      problems.push(
        ...validate(x.body, op.body, options(d))
          .filter((p) => !allowed(p))
          .map((p) => `request body ${p}`)
      )
  }
  return problems
}

function checkAnswer(d: Description, facts: FlavourFacts, key: string, schema: Schema, answer: unknown): string[] {
  // Gitea's contents route answers a directory with a list where its swagger says one object
  // (shared/specs/README.md, known quirks): each entry is held against that object.
  const listed = facts.family === 'gitea' && Array.isArray(answer) && key.includes('/contents/')
  const problems = listed
    ? (answer as unknown[]).flatMap((entry) => validate(entry, schema, options(d)))
    : validate(answer, schema, options(d))
  for (const read of READS[key]?.[facts.family] ?? []) {
    const required = read.startsWith('!')
    const field = read.replace(/^!/, '')
    if (!fieldSchema(schema, field, d.schemas))
      problems.push(`the action reads "${field}", which the description does not have`)
    else if (required && !present(answer, field)) problems.push(`the answer lacks "${field}", which the action reads`)
  }
  return problems.map((p) => `answer ${p}`)
}

function present(value: unknown, path: string): boolean {
  let current: unknown[] = [value]
  for (const part of path.split('.')) {
    if (part === '[]') {
      current = current.flatMap((v) => (Array.isArray(v) ? v : []))
      continue
    }
    if (current.some((v) => typeof v !== 'object' || v === null || !(part in v))) return false
    current = current.map((v) => (v as Record<string, unknown>)[part])
  }
  return true
}

function queryFits(value: string, schema: Schema): boolean {
  if (schema.t === 'integer') return /^-?\d+$/.test(value)
  if (schema.t === 'boolean') return value === 'true' || value === 'false'
  if (schema.e && schema.t === 'string') return schema.e.includes(value)
  return true
}

const options = (d: Description) => ({
  schemas: d.schemas,
  goNulls: !d.source.startsWith('GitHub'),
  pointers: GO_POINTERS
})
