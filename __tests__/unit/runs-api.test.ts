import { ourRuns } from '../../src/builds/run-poller.js'
import { chooseRunsApi, jobsPending, jobStatusesOf, workflowFile } from '../../src/forge/runs-api.js'
import type { ForgeApi } from '../../src/forge/forge-api.js'
import type { RunInfo } from '../../src/forge/forge-writes.js'

const forge = (kind: 'github' | 'gitea' | undefined, version: string | null) =>
  ({ kind, version: async () => version }) as unknown as ForgeApi

describe("chooseRunsApi: which endpoint lists a commit's runs (forge-facts.md, Workflow runs)", () => {
  it.each<[string, 'github' | 'gitea', string | null, unknown]>([
    ['GitHub', 'github', null, { api: 'runs' }],
    ['Gitea 1.25', 'gitea', '1.25.1', { api: 'runs' }],
    ['Gitea 1.26 (main)', 'gitea', '1.26.0+dev-12-g9d3f04e', { api: 'runs' }],
    ['Gitea 1.24', 'gitea', '1.24.6', { api: 'tasks' }],
    ['Gitea 1.23', 'gitea', '1.23.8', { api: 'tasks' }],
    [
      'Gitea 1.22',
      'gitea',
      '1.22.6',
      { none: 'Gitea 1.22.6 has no API that lists workflow runs (1.23 and later have)' }
    ],
    ['Forgejo v10', 'gitea', '10.0.0+gitea-1.22.0', { api: 'tasks' }],
    ['Forgejo v11', 'gitea', '11.0.3+gitea-1.22.0', { api: 'tasks' }],
    ['Forgejo v12', 'gitea', '12.0.0-dev-1234+gitea-1.22.0', { api: 'runs' }],
    [
      'Forgejo v7',
      'gitea',
      '7.0.5+gitea-1.21.0',
      { none: 'Forgejo 7.0.5 has no API that lists workflow runs (v8 and later have)' }
    ],
    ['no /version answer', 'gitea', null, { api: 'runs' }]
  ])('%s', async (_what, kind, version, expected) => {
    expect(await chooseRunsApi(forge(kind, version))).toEqual(expected)
  })
})

describe('the run of the probed workflow', () => {
  const run = (id: number, path?: string): RunInfo => ({ id, sha: 'a', status: 'completed', url: `u${id}`, path })

  it.each([
    ['publish-image.yml@refs/heads/main', 'publish-image.yml'],
    ['.github/workflows/build.yml@main', 'build.yml'],
    ['.github/workflows/build.yml', 'build.yml'],
    ['publish-image.yml', 'publish-image.yml']
  ])('workflowFile(%s) is %s', (path, file) => {
    expect(workflowFile(path)).toBe(file)
  })

  it.each<[string, RunInfo[], string | undefined, number | undefined]>([
    [
      'Gitea 1.25 "file@ref", another workflow listed first',
      [run(2, 'tests.yml@refs/heads/main'), run(1, 'publish-image.yml@refs/heads/main')],
      '.github/workflows/publish-image.yml',
      1
    ],
    [
      'GitHub "path@branch"',
      [run(1, '.github/workflows/publish-image.yml@main')],
      '.github/workflows/publish-image.yml',
      1
    ],
    ['tasks: workflow_id only', [run(3, 'publish-image.yml')], '.gitea/workflows/publish-image.yml', 3],
    [
      'only another workflow has run yet: not ours',
      [run(2, 'tests.yml@refs/heads/main')],
      '.github/workflows/publish-image.yml',
      undefined
    ],
    ['the forge names no workflow: the newest run', [run(5), run(4)], '.github/workflows/publish-image.yml', 5],
    ['no probed workflow (probe-path empty): the newest run', [run(7, 'a.yml'), run(6, 'b.yml')], undefined, 7]
  ])('%s', (_what, runs, probed, id) => {
    expect(ourRuns(runs, probed)[0]?.id).toBe(id)
  })
})

describe("jobsPending: whether a run seen through its tasks still has a job to do, from the commit's statuses", () => {
  const RUN = 'http://127.0.0.1:3125/acme/tpl/actions/runs/7'
  // As Gitea 1.25.4 answers GET /commits/{sha}/status: `status`, a relative target per job.
  const status = (state: string, target: string, context = 'publish-image.yml / build (push)') => ({
    id: 1,
    status: state,
    target_url: target,
    context
  })
  it.each<[string, unknown[], string[], boolean | null]>([
    [
      'every job of the run over',
      [status('success', '/acme/tpl/actions/runs/7/jobs/0'), status('failure', '/acme/tpl/actions/runs/7/jobs/1')],
      [RUN],
      false
    ],
    [
      'a job not yet taken by a runner (blocked by needs:)',
      [status('success', '/acme/tpl/actions/runs/7/jobs/0'), status('pending', '/acme/tpl/actions/runs/7/jobs/1')],
      [RUN],
      true
    ],
    [
      'a skipped job is over',
      [status('success', '/acme/tpl/actions/runs/7/jobs/0'), status('skipped', '/acme/tpl/actions/runs/7/jobs/1')],
      [RUN],
      false
    ],
    [
      "another run's pending job is not this run's (runs/70 is not runs/7)",
      [status('success', '/acme/tpl/actions/runs/7/jobs/0'), status('pending', '/acme/tpl/actions/runs/70/jobs/0')],
      [RUN],
      false
    ],
    [
      'another CI system pending on the commit is not the run',
      [
        status('success', '/acme/tpl/actions/runs/7/jobs/0'),
        status('pending', 'https://ci.example.com/b/1', 'ci/other')
      ],
      [RUN],
      false
    ],
    ['an absolute target', [status('pending', 'http://127.0.0.1:3125/acme/tpl/actions/runs/7/jobs/1')], [RUN], true],
    [
      'no status points at the run: the statuses do not say',
      [status('pending', 'https://ci.example.com/b/1', 'ci/other')],
      [RUN],
      null
    ],
    ['no statuses at all', [], [RUN], null]
  ])('%s', (_what, statuses, runs, expected) => {
    expect(jobsPending(jobStatusesOf({ state: 'pending', statuses }, 'GET status'), runs)).toBe(expected)
  })
})
