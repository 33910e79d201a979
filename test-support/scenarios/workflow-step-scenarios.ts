import { expect } from '@jest/globals'
import type { LiveArena } from '../live/live-arena.js'
import { forLiveRun, shardWorkflows } from '../shard-workflows.js'
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
  },
  {
    name: "docs/shards.md's Gitea workflow on the forge's runner: three shards and the report, merged through Gitea's artifacts",
    needs: 'workflow-step',
    async run(arena) {
      const live = arena as LiveArena
      // The v3 artifact actions must be on the forge (docs/live-forges.md says how to mirror them).
      if (!(await live.hasAction('upload-artifact')) || !(await live.hasAction('download-artifact'))) return
      const names = ['shard-a', 'shard-b', 'shard-c', 'shard-d', 'shard-e']
      for (const name of names) await arena.template(name)
      const run = (templates: string) =>
        forLiveRun(shardWorkflows().gitea, {
          action: `${arena.owner}/runtime-cascade@main`,
          templates,
          version: '1.2.3',
          runsOn: live.runsOn
        })
      const full = (list: string[]) => list.map((n) => `${arena.owner}/${n}`).join(' ')
      expect(await live.workflow('shards', run(full(names)))).toBe('success')
      for (const name of names) expect(await arena.file(`${arena.owner}/${name}`, '.runtime-version')).toBe('1.2.3\n')
      // A typo in one shard's share: that shard's step fails (continue-on-error), the report job says so.
      expect(await live.workflow('shards-typo', run(full([...names, 'shard-typo'])))).toBe('failure')
      const jobs = Object.entries(await live.jobStates('shards-typo'))
      expect(jobs.filter(([context]) => /report/.test(context)).map(([, state]) => state)).toEqual(['failure'])
      expect(jobs.filter(([context]) => !/report/.test(context)).map(([, state]) => state)).toEqual([
        'success',
        'success',
        'success'
      ])
    }
  }
]
