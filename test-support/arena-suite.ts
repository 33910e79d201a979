import type { Flavour } from './forge/flavours.js'
import type { TestForge } from './forge/forge.js'
import { forgeForEachTest } from './forge-lifecycle.js'
import { SCENARIOS } from './scenarios/scenario-list.js'
import { TestForgeArena } from './test-forge-arena.js'

/**
 * The scenarios npm run test:live runs against a live Gitea or Forgejo, here against one test
 * forge flavour, with the same assertions: where the two disagree, the test forge is what is
 * wrong. One file per flavour (__tests__/e2e/arena-*.test.ts), so the workers share them out.
 */
export function arenaSuite(flavour: Flavour): void {
  let forge: TestForge
  describe(`the shared scenarios on the test forge, ${flavour}`, () => {
    forgeForEachTest((f) => (forge = f), { flavour })

    it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const arena = new TestForgeArena(forge)
      // Builds of a few hundred ms per job, where the live runner takes about two seconds.
      Object.assign(forge.api.actions, { runDelayMs: 50, runMs: 500 })
      // The test forge runs no workflow: the action as a step is seen on a live forge only.
      if (scenario.needs === 'workflow-step' || (scenario.needs === 'builds' && !arena.runsBuilds)) return
      await scenario.run(arena)
    })
  })
}
