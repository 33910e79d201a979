import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql'

/**
 * GitHub's GraphQL rate limit score of a query, computed before it runs as GitHub documents it
 * ("Rate limits and query limits for the GraphQL API", Calculating a rate limit score): add up
 * the requests needed to fulfil each connection (a field with `first` or `last`), assuming each
 * reaches its limit, so a connection inside another is asked once per node of its parent;
 * divide by 100 and round to the nearest whole number; at least 1. Mutations are not scored
 * this way (the docs count them apart), and none goes through here.
 */
export function queryScore(document: DocumentNode, variables: Record<string, unknown>): number {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
  let requests = 0
  const walk = (set: SelectionSetNode | undefined, times: number, seen: Set<string>): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value
        if (!seen.has(name)) walk(fragments.get(name)?.selectionSet, times, new Set([...seen, name]))
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, times, seen)
      else {
        const limit = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last')
        if (!limit) walk(selection.selectionSet, times, seen)
        else {
          requests += times
          walk(selection.selectionSet, times * valueOf(limit.value, variables), seen)
        }
      }
    }
  }
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 1, new Set())
  return Math.max(1, Math.round(requests / 100))
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): number {
  if (node.kind === Kind.INT) return Number(node.value)
  if (node.kind === Kind.VARIABLE) return Number(variables[node.name.value] ?? 0)
  return 0
}

/** How many repositories the query asks for: `repository` fields, aliased or not, at the top. */
export function repositoriesAsked(document: DocumentNode): number {
  let n = 0
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION)
      for (const s of d.selectionSet.selections) if (s.kind === Kind.FIELD && s.name.value === 'repository') n++
  return n
}
