import { expect } from '@jest/globals'
import type { LiveArena } from '../live/live-arena.js'
import type { Scenario } from './scenario.js'

export const workflowStepScenarios: Scenario[] = [
  {
    name: "the action as a workflow step on the forge's own runner: uses: resolves, node24 runs, a misspelt input writes nothing",
    needs: 'workflow-step',
    async run(arena) {
      const live = arena as LiveArena
      const t = await arena.template('from-runner')
      // The runner passes every with: entry as INPUT_<NAME>, declared or not: dry_run is seen.
      const typo = await live.releaseWorkflow('release-typo', {
        version: '1.2.3',
        templates: 'from-runner',
        dry_run: 'true'
      })
      expect(typo).toBe('failure')
      expect(await arena.file(t, '.runtime-version')).toBe('0.1.0\n')
      const good = await live.releaseWorkflow('release', { version: '1.2.3', templates: 'from-runner' })
      expect(good).toBe('success')
      expect(await arena.file(t, '.runtime-version')).toBe('1.2.3\n')
    }
  },
  {
    name: 'a runner that predates node24 refuses the action; the node20 entry runs the same bundle there',
    needs: 'workflow-step',
    async run(arena) {
      const live = arena as LiveArena
      if (!live.oldRunsOn) return // LIVE_FORGE_OLD_RUNS_ON names no such runner
      const t = await arena.template('old-runner')
      const inputs = { version: '1.2.3', templates: 'old-runner' }
      const refused = await live.releaseWorkflow('release-node24', inputs, { runsOn: live.oldRunsOn })
      expect(refused).toBe('failure')
      expect(await arena.file(t, '.runtime-version')).toBe('0.1.0\n')
      const node20 = await live.releaseWorkflow('release-node20', inputs, { runsOn: live.oldRunsOn, entry: 'node20' })
      expect(node20).toBe('success')
      expect(await arena.file(t, '.runtime-version')).toBe('1.2.3\n')
    }
  }
]
