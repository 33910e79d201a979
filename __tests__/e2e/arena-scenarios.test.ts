import type { Flavour } from '../../test-support/forge/flavours.js'
import type { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { SCENARIOS } from '../../test-support/scenarios/scenario-list.js'
import { TestForgeArena } from '../../test-support/test-forge-arena.js'

/**
 * The scenarios npm run test:live runs against a live Gitea or Forgejo, here against the test
 * forge's flavours of the releases run live, with the same assertions: where the two disagree,
 * the test forge is what is wrong.
 */
let forge: TestForge

describe.each<Flavour>(['gitea-1.22', 'gitea-1.25', 'gitea-1.26', 'forgejo-11'])('on the test forge, %s', (flavour) => {
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
