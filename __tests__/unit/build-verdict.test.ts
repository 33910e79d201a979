import type { BuildState } from '../../src/builds/run-poller.js'
import { withBuilds } from '../../src/pipeline/build-verdict.js'
import { result, type Status } from '../../src/pipeline/template-result.js'

const pinned = (build?: BuildState, status: Status = 'updated') =>
  result('acme/a', status, 'pinned 1.2.3 (was 0.1.0)', build ? { pendingBuild: Promise.resolve(build) } : {})
const notStarted: BuildState = { build: 'not-started', reason: 'no workflow run appeared within 300 s' }
const unknown: BuildState = { build: 'unknown', reason: 'the forge has no API for workflow runs (HTTP 404)' }
const started: BuildState = { build: 'started', url: 'https://x/actions/runs/1', status: 'in_progress' }

/** verify-build's verdict, once each build is known. */
describe('withBuilds', () => {
  it.each<[string, ReturnType<typeof pinned>, 'false' | 'true' | 'require', object]>([
    ['off: nothing looked for', pinned(notStarted), 'false', { status: 'updated' }],
    ['started', pinned(started), 'require', { status: 'updated', build: started }],
    ['not started, true: kept, the build said', pinned(notStarted), 'true', { status: 'updated', build: notStarted }],
    [
      'not started, require: failed, saying so',
      pinned(notStarted),
      'require',
      {
        status: 'failed',
        failure: 'other',
        reason: 'pinned 1.2.3 (was 0.1.0); but no workflow run appeared within 300 s (verify-build: require)'
      }
    ],
    [
      'unknown never fails a pin, even under require',
      pinned(unknown),
      'require',
      { status: 'updated', build: unknown }
    ],
    [
      'pull-request mode: nothing to look for until the merge',
      pinned(undefined, 'pr-opened'),
      'require',
      {
        status: 'pr-opened',
        build: { build: 'unknown', reason: expect.stringContaining('when the pull request is merged') }
      }
    ],
    ['unchanged: no build expected', pinned(undefined, 'unchanged'), 'require', { status: 'unchanged' }]
  ])('%s', async (_what, r, rule, expected) => {
    const [out] = await withBuilds([r], rule)
    expect(out).toMatchObject(expected)
    // Once verify-build is on, the results carry the build itself, not the wait for it.
    if (rule !== 'false') expect(out).not.toHaveProperty('pendingBuild')
  })
})
