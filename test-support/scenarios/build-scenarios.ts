import { expect } from '@jest/globals'
import type { Arena, BuildRecord } from '../arena.js'
import { resultsOf } from '../scenario.js'
import type { Scenario } from './scenario.js'
import { writes } from './cascade-scenarios.js'

interface BuildOutput {
  template: string
  build: string
  url: string | null
  reason: string | null
}

/** Waits until every pinned commit's build is done, as the forge records it (at most two minutes). */
async function finishedBuilds(arena: Arena, pinned: Array<{ repo: string; sha: string }>): Promise<BuildRecord[]> {
  for (let i = 0; i < 240; i++) {
    const found = await Promise.all(
      pinned.map(async ({ repo, sha }) => (await arena.builds(repo))?.find((b) => b.sha === sha))
    )
    if (found.every((b) => b?.done)) return found as BuildRecord[]
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error('the builds did not finish within two minutes')
}

/** The most builds in progress at one time, from the forge's own start and end times. */
function mostAtOnce(builds: BuildRecord[]): number {
  const spans = builds.map((b) => [b.start ?? 0, b.end ?? Infinity])
  return Math.max(...spans.map(([start]) => spans.filter(([s, end]) => s <= start && start < end).length))
}

/** Templates whose workflow has `jobs` jobs, pinned under max-builds-in-flight 1. */
async function oneAtATime(arena: Arena, names: string[], jobs: number) {
  const repos = await Promise.all(names.map((n) => arena.template(n, { jobs })))
  const listed = await arena.builds(repos[0])
  const run = await arena.run(arena.inputs(names.join(' '), { 'max-builds-in-flight': '1', 'verify-timeout': '120' }))
  return { repos, listed, run }
}

export const buildScenarios: Scenario[] = [
  {
    name: 'verify-build finds the build each pin started, and the builds output links it',
    needs: 'builds',
    async run(arena) {
      const names = ['built-a', 'built-b']
      const repos = await Promise.all(names.map((n) => arena.template(n)))
      const listed = await arena.builds(repos[0])
      const run = await arena.run(arena.inputs(names.join(' '), { 'verify-build': 'require', 'verify-timeout': '120' }))
      const builds = JSON.parse(run.outputs.builds) as BuildOutput[]
      expect(builds.map((b) => b.template)).toEqual(repos)
      if (listed === null) {
        // No API lists runs (Gitea 1.22): unknown, said so, and never a failure by itself.
        expect(builds.map((b) => b.build)).toEqual(['unknown', 'unknown'])
        expect(run.exitCode).toBe(0)
        return
      }
      expect(run.exitCode).toBe(0)
      expect(builds.map((b) => b.build)).toEqual(['started', 'started'])
      for (const b of builds) expect(b.url).toMatch(/\/actions\/runs\/\d+$/)
    }
  },
  {
    name: 'build waves: max-builds-in-flight 1 over three templates never has two of their builds at once',
    needs: 'builds',
    async run(arena) {
      const { repos, listed, run } = await oneAtATime(arena, ['wave-a', 'wave-b', 'wave-c'], 1)
      if (listed === null) {
        // A forge that cannot say when a build finishes cannot pace this way: stopped before any write.
        expect(run.exitCode).toBe(1)
        expect(run.stdout).toContain('cannot tell when a build finishes; use builds-per-minute')
        expect(writes(arena)).toEqual([])
        return
      }
      expect(run.exitCode).toBe(0)
      const pinned = resultsOf(run.outputs).map((r, i) => ({ repo: repos[i], sha: r.commit! }))
      expect(pinned.every((p) => p.sha)).toBe(true)
      expect(mostAtOnce(await finishedBuilds(arena, pinned))).toBe(1)
      expect(run.summary).toContain('Build waves: at most 1 builds at once; 2 pin(s) waited for a slot')
      // Each slot came free because its build was seen over, not because verify-timeout ran out
      // (Gitea 1.25.0-1.25.4 answer the runs API only to the owner: the waves read the task list too).
      expect(run.stdout).not.toContain('did not finish within verify-timeout')
    }
  },
  {
    name: 'build waves: a publish workflow of two jobs holds its slot until both are done (a task is one job)',
    needs: 'builds',
    async run(arena) {
      const { repos, listed, run } = await oneAtATime(arena, ['jobs-a', 'jobs-b'], 2)
      if (listed === null) return // the scenario above holds the refusal
      expect(run.exitCode).toBe(0)
      const pinned = resultsOf(run.outputs).map((r, i) => ({ repo: repos[i], sha: r.commit! }))
      expect(mostAtOnce(await finishedBuilds(arena, pinned))).toBe(1)
      expect(run.stdout).not.toContain('did not finish within verify-timeout')
    }
  },
  {
    name: 'paced merges: pull-request mode with auto-merge and max-builds-in-flight 1 never has two of the merges’ builds at once',
    needs: 'builds',
    async run(arena) {
      const names = ['merge-a', 'merge-b', 'merge-c']
      const repos = await Promise.all(names.map((n) => arena.template(n)))
      if ((await arena.builds(repos[0])) === null) return // no runs API: the waves scenario holds the refusal
      const inputs = {
        mode: 'pull-request',
        'auto-merge': 'merge',
        'max-builds-in-flight': '1',
        'verify-timeout': '120'
      }
      const run = await arena.run(arena.inputs(names.join(' '), inputs))
      expect(run.exitCode).toBe(0)
      for (const r of resultsOf(run.outputs)) expect(r.reason).toMatch(/; merged/)
      for (const repo of repos) expect(await arena.file(repo, '.runtime-version')).toBe('1.2.3\n')
      // Each merge commit's build, as the forge records it.
      const pinned = await Promise.all(
        repos.map(async (repo) => ({ repo, sha: (await arena.pulls(repo)).find((p) => p.merged)?.mergeCommit ?? '' }))
      )
      expect(pinned.every((p) => p.sha)).toBe(true)
      expect(mostAtOnce(await finishedBuilds(arena, pinned))).toBe(1)
    }
  }
]
