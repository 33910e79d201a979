import { expect } from '@jest/globals'
import type { Arena } from '../arena.js'
import type { LiveArena } from '../live/live-arena.js'
import { forLiveRun, shardWorkflows } from '../shard-workflows.js'
import type { Scenario } from './scenario.js'

/** A template `name`: the first release run fails and writes nothing, the second succeeds and pins 1.2.3. */
async function failsThenPins(arena: Arena, name: string, [failing, passing]: Array<() => Promise<string>>) {
  const t = await arena.template(name)
  expect(await failing()).toBe('failure')
  expect(await arena.file(t, '.runtime-version')).toBe('0.1.0\n')
  expect(await passing()).toBe('success')
  expect(await arena.file(t, '.runtime-version')).toBe('1.2.3\n')
}

export const workflowStepScenarios: Scenario[] = [
  {
    name: "the action as a workflow step on the forge's own runner: uses: resolves, node24 runs, a misspelt input writes nothing",
    needs: 'workflow-step',
    async run(arena) {
      const live = arena as LiveArena
      const inputs = { version: '1.2.3', templates: 'from-runner' }
      // The runner passes every with: entry as INPUT_<NAME>, declared or not: dry_run is seen.
      await failsThenPins(arena, 'from-runner', [
        () => live.releaseWorkflow('release-typo', { ...inputs, dry_run: 'true' }),
        () => live.releaseWorkflow('release', inputs)
      ])
    }
  },
  {
    name: 'a runner that predates node24 refuses the action; the node20 entry runs the same bundle there',
    needs: 'workflow-step',
    async run(arena) {
      const live = arena as LiveArena
      if (!live.oldRunsOn) return // LIVE_FORGE_OLD_RUNS_ON names no such runner
      const inputs = { version: '1.2.3', templates: 'old-runner' }
      const runsOn = live.oldRunsOn
      await failsThenPins(arena, 'old-runner', [
        () => live.releaseWorkflow('release-node24', inputs, { runsOn }),
        () => live.releaseWorkflow('release-node20', inputs, { runsOn, entry: 'node20' })
      ])
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
