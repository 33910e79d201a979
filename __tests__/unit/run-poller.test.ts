import { ApiError } from '../../src/forge/api-error.js'
import type { ForgeApi } from '../../src/forge/forge-api.js'
import type { RunInfo } from '../../src/forge/forge-writes.js'
import { RunPoller } from '../../src/builds/run-poller.js'
import { WorkflowRuns } from '../../src/forge/workflow-runs.js'
import type { JobStatus } from '../../src/forge/runs-api.js'
import { RateLimitStopError } from '../../src/shared/run-control.js'

/**
 * The one poller of workflow runs, against a forge whose answers are scripted poll by poll (the
 * last answer stands once the script runs out): which run is the pin's, when it started, when it
 * is over, and what the forge's quirks do to both (Gitea 1.25.0-1.25.4's owner-only runs, a task
 * per job, no API at all).
 */
type Answer = RunInfo[] | null | Error

const run = (status: string, path = 'publish-image.yml@refs/heads/main', url = 'http://forge/o/t/actions/runs/1') =>
  ({ id: 1, sha: 'abc', status, url, path }) as RunInfo
const task = (status: string, url = 'http://forge/o/t/actions/runs/7') =>
  ({ id: 1, sha: 'abc', status, url, path: 'publish-image.yml' }) as RunInfo

/** A forge of `version` (1.24: the task list; 1.25+: the runs API) whose listings answer `script`. */
function fakeForge(
  script: Record<'runs' | 'tasks', Answer[]>,
  version = '1.26.3',
  kind: 'gitea' | 'github' = 'gitea',
  statuses: Array<JobStatus[] | Error> = [new ApiError(404, 'HTTP 404: not found', false, 'not found')]
) {
  const asked: string[] = []
  const api = {
    kind,
    version: async () => version,
    jobStatuses: async () => {
      asked.push('statuses')
      const answer = statuses.length > 1 ? statuses.shift()! : statuses[0]
      if (answer instanceof Error) throw answer
      return answer
    },
    runs: async (_o: string, _r: string, _sha: string, which: 'runs' | 'tasks') => {
      asked.push(which)
      const list = script[which]
      const answer = list.length > 1 ? list.shift()! : list[0]
      if (answer instanceof Error) throw answer
      return answer
    }
  } as unknown as ForgeApi
  Object.assign(api, { workflowRuns: new WorkflowRuns(api) })
  return { api, asked }
}

function poller(api: ForgeApi, options: { timeoutMs?: number } = {}) {
  const log: string[] = []
  const p = new RunPoller({
    api,
    timeoutMs: options.timeoutMs ?? 5_000,
    firstPollMs: 5,
    concurrency: 4,
    signal: new AbortController().signal,
    log: (line) => log.push(line),
    taskSettleMs: 60
  })
  return { p, log }
}

const watched = { template: 'o/t', owner: 'o', repo: 't', sha: 'abc', workflow: '.gitea/workflows/publish-image.yml' }
const watch = (p: RunPoller) => p.watch(watched.template, watched.owner, watched.repo, watched.sha, watched.workflow)

describe('the run poller', () => {
  it('says a build started with its run, once the probed workflow has one; another workflow is not it', async () => {
    const { api } = fakeForge({
      runs: [[], [run('queued', 'tests.yml@refs/heads/main')], [run('in_progress')]],
      tasks: []
    })
    const { p } = poller(api)
    expect(await watch(p)).toEqual({ build: 'started', url: 'http://forge/o/t/actions/runs/1', status: 'in_progress' })
    await p.finish()
  })

  it('a run from the runs API is over when it says completed, not before', async () => {
    const { api, asked } = fakeForge({
      runs: [[run('in_progress')], [run('in_progress')], [run('completed')]],
      tasks: []
    })
    const { p } = poller(api)
    expect(await p.finished(watched)).toBe('done')
    expect(asked).toEqual(['runs', 'runs', 'runs'])
    await p.finish()
  })

  it('a task is one job: every job seen done is not yet the run over, until no new job comes for a while', async () => {
    // Seen on Gitea 1.25.4: `build: success` alone, then `step-2: running` beside it.
    const script: Answer[] = [
      [task('running')],
      [task('success')],
      [task('running'), task('success')],
      [task('success'), task('success')]
    ]
    const { api, asked } = fakeForge({ runs: [], tasks: script }, '1.24.6')
    const { p } = poller(api)
    expect(await p.finished(watched)).toBe('done')
    // It asked past the first "all done" (the second answer) and past the second job's end.
    expect(asked.length).toBeGreaterThan(4)
    await p.finish()
  })

  it("a task is one job: the commit's statuses hold the run open while a job is still to come, however long", async () => {
    // Seen on Gitea 1.25.4 under load: the second job taken more than 3 s after the first ended.
    const job = (state: string, n: number) => ({ state, targetUrl: `/o/t/actions/runs/7/jobs/${n}` })
    const pending = [job('success', 0), job('pending', 1)]
    const { api, asked } = fakeForge({ runs: [], tasks: [[task('success')]] }, '1.24.6', 'gitea', [
      ...Array<JobStatus[]>(6).fill(pending),
      [job('success', 0), job('success', 1)]
    ])
    const { p } = poller(api) // a settle of 60 ms: long past, six rounds over
    expect(await p.finished(watched)).toBe('done')
    expect(asked.filter((a) => a === 'statuses')).toHaveLength(7)
    await p.finish()
  })

  it("Gitea 1.25.0-1.25.4's owner-only 403 on runs: the task list serves verify-build and the waves alike", async () => {
    const forbidden = new ApiError(
      403,
      'HTTP 403: user should be the owner of the repo',
      false,
      'user should be the owner of the repo'
    )
    const { api, asked } = fakeForge({ runs: [forbidden], tasks: [[task('success')]] })
    const { p, log } = poller(api)
    const [started, finished] = await Promise.all([watch(p), p.finished(watched)])
    expect(started).toMatchObject({ build: 'started' })
    expect(finished).toBe('done')
    expect(asked.filter((a) => a === 'runs')).toHaveLength(1)
    expect(log.filter((l) => l.includes('using its task list'))).toHaveLength(1)
    await p.finish()
  })

  it('past the deadline: a slot is given back, a start is not-started (runs) or unknown (tasks: maybe queued)', async () => {
    const never = fakeForge({ runs: [[]], tasks: [[]] })
    const runs = poller(never.api, { timeoutMs: 40 })
    const [started, finished] = await Promise.all([watch(runs.p), runs.p.finished(watched)])
    expect(started).toMatchObject({ build: 'not-started' })
    expect(finished).toBe('timed-out')
    expect(runs.log.join('\n')).toContain('its build did not finish within verify-timeout: its slot is released')
    const tasks = poller(fakeForge({ runs: [], tasks: [[]] }, '1.24.6').api, { timeoutMs: 40 })
    expect(await watch(tasks.p)).toMatchObject({
      build: 'unknown',
      reason: expect.stringContaining('no runner has taken a job')
    })
    await Promise.all([runs.p.finish(), tasks.p.finish()])
  })

  it('a run stopped while polling (a rate limit too far off): unknown builds, slots opened, never a failure', async () => {
    const stop = new RateLimitStopError('GitHub API rate limit exhausted', new Date(Date.now() + 3_600_000), 300)
    const { api } = fakeForge({ runs: [stop], tasks: [] }, '', 'github')
    const { p } = poller(api)
    const [started, finished] = await Promise.all([watch(p), p.finished(watched)])
    expect(started).toMatchObject({ build: 'unknown', reason: expect.stringContaining('polling stopped') })
    expect(finished).toBe('stopped')
    expect(await watch(p)).toMatchObject({ build: 'unknown' })
  })

  it('a forge with no such API (404): every build unknown, saying so', async () => {
    const { api } = fakeForge({ runs: [null], tasks: [] })
    const { p } = poller(api)
    expect(await watch(p)).toEqual({
      build: 'unknown',
      reason: 'the forge has no API for workflow runs (HTTP 404)'
    })
  })

  it('the run is over for the waves: its waits end as stopped; the starts are still looked for', async () => {
    const { api } = fakeForge({ runs: [[], [run('queued')]], tasks: [] })
    const { p } = poller(api)
    const finished = p.finished(watched)
    const started = watch(p)
    p.endWaits()
    expect(await finished).toBe('stopped')
    expect(await started).toMatchObject({ build: 'started' })
    await p.finish()
  })
})
