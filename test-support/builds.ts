import { TestForge } from './forge/forge.js'
import type { Flavour } from './forge/flavours.js'

/** verify-build tests: a forge whose runs appear 150 ms after a push. */
export async function forgeWithRuns(flavour: Flavour): Promise<TestForge> {
  const forge = await TestForge.start({ flavour })
  forge.api.actions.runDelayMs = 150
  return forge
}

export interface BuildEntry {
  template: string
  build: string
  url: string | null
  reason: string | null
}

/** The `builds` output, parsed. */
export const buildsOf = (outputs: Record<string, string>): BuildEntry[] => JSON.parse(outputs.builds ?? '[]')

/** The runs (or tasks) requests made for one repository: the polls. */
export const pollsOf = (forge: TestForge, repo: string) =>
  forge.requests.filter((r) => r.repo === repo && /\/actions\/(runs|tasks)/.test(r.path))
