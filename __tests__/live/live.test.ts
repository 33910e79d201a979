import { LiveArena, liveSettings } from '../../test-support/live/live-arena.js'
import { SCENARIOS, TEST_FORGE_ONLY } from '../../test-support/scenarios/scenario-list.js'

/**
 * npm run test:live: the shared scenarios against a live Gitea or Forgejo (docs/live-forges.md).
 * LIVE_FORGE_URL and LIVE_FORGE_TOKEN (an admin's) say where; LIVE_FORGE_RUNS_ON names a
 * runner's label when one is registered. Each scenario makes its own scratch organisation and
 * users, and removes them.
 */
const settings = liveSettings()
const run = settings ? describe : describe.skip

run(`live forge ${settings?.url ?? '(LIVE_FORGE_URL unset)'}`, () => {
  afterAll(() => LiveArena.removeAll(), 120_000)

  beforeAll(() => {
    console.log(`stays on the test forge, which alone can play it:\n- ${TEST_FORGE_ONLY.join('\n- ')}`)
  })

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const arena = await LiveArena.open(settings!)
    try {
      if (scenario.needs !== undefined && !arena.runsBuilds) {
        console.log(`${scenario.name}: left out, no runner (set LIVE_FORGE_RUNS_ON)`)
        return
      }
      await scenario.run(arena)
    } finally {
      await arena.close()
    }
  })
})
