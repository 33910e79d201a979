import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildClientSchema, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql'
import { getVariableValues } from 'graphql/execution/values.js'

/**
 * GitHub's GraphQL requests, held against its published schema (@octokit/graphql-schema, the
 * schema GitHub's docs publish): the document parses and validates, and the variables fit
 * their declared types. The answer is only checked for its envelope (data and errors).
 */
// Its introspection result: the SDL file defines two fields twice, which buildSchema refuses.
const INTROSPECTION = '../../node_modules/@octokit/graphql-schema/schema.json'
let schema: GraphQLSchema | undefined

/** GitHub's schema, built once (the test forge's GraphQL endpoint executes against it too). */
export function githubSchema(): GraphQLSchema {
  if (!schema) {
    // The package exports only its JavaScript entry; the schema is read from where npm put it.
    const json = JSON.parse(readFileSync(fileURLToPath(new URL(INTROSPECTION, import.meta.url)), 'utf8'))
    schema = buildClientSchema(json.data ?? json)
  }
  return schema
}

export function checkGraphql(body: unknown, answer: unknown): string[] {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> }
  if (typeof query !== 'string') return ['a GraphQL request without a query']
  let document
  try {
    document = parse(query)
  } catch (error) {
    return [`the query does not parse: ${(error as Error).message}`]
  }
  const problems = validate(githubSchema(), document).map((e) => `the query: ${e.message}`)
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
  if (operation) {
    const coerced = getVariableValues(githubSchema(), operation.variableDefinitions ?? [], variables ?? {})
    problems.push(...(coerced.errors ?? []).map((e) => `the variables: ${e.message}`))
  }
  const envelope = answer && typeof answer === 'object' ? Object.keys(answer) : []
  if (envelope.some((k) => k !== 'data' && k !== 'errors')) problems.push(`an answer with ${envelope.join(', ')}`)
  return problems
}
