import { createHash } from 'node:crypto'
import type { Shard } from '../inputs/settings.js'
import type { TemplateRef } from '../inputs/template-list.js'

/**
 * `shard: i/n`: a template belongs to shard 1 + (hash of its full name, lower-cased) mod n. The
 * hash of the name alone keeps a template in its shard whatever else is listed, so a matrix of
 * n runs covers every template exactly once.
 */
export function shardOf(fullName: string, count: number): number {
  const hash = createHash('sha256').update(fullName.toLowerCase()).digest()
  return 1 + (hash.readUInt32BE(0) % count)
}

/** This run's share, and each template's place in the whole list (the report's order). */
export function shareOf(
  all: TemplateRef[],
  shard: Shard | null
): { mine: TemplateRef[]; position: Map<string, number> } {
  const position = new Map(all.map((t, i) => [t.fullName, i]))
  const mine = shard ? all.filter((t) => shardOf(t.fullName, shard.count) === shard.index) : all
  return { mine, position }
}
