import type { PullState } from '../../src/forge/pulls-api.js'
import type { PipelineContext } from '../../src/pipeline/pipeline-context.js'
import { closedAnswer } from '../../src/pipeline/pull-request-step.js'
import type { ToLand } from '../../src/pipeline/landed-result.js'
import type { PriorPulls } from '../../src/pulls/bump-pulls.js'
import { REPO, settingsOf } from '../../__fixtures__/decisions.js'

const pull = (number: number, state: 'open' | 'closed', merged = false): PullState => ({
  number,
  url: `https://git.example.com/acme/a/pulls/${number}`,
  head: 'bump/runtime-1.2.3',
  base: 'main',
  state,
  merged,
  title: '',
  body: '',
  labels: [],
  assignees: [],
  reviewers: [],
  teamReviewers: []
})
const toLand = { template: 'acme/a', branch: 'main', repo: REPO } as ToLand
const ctx = (inputs: Record<string, string> = {}) =>
  ({ settings: settingsOf({ mode: 'pull-request', ...inputs }) }) as PipelineContext

/** A bump pull request for this version that was closed is an answer. */
describe('closedAnswer', () => {
  it.each<[string, PriorPulls, Record<string, string>, object | null]>([
    ['none closed: go on and land', { open: null, closed: null, others: [] }, {}, null],
    ['one open as well: that one is used', { open: pull(2, 'open'), closed: pull(1, 'closed'), others: [] }, {}, null],
    [
      'merged: the base holds the pin',
      { open: null, closed: pull(1, 'closed', true), others: [] },
      {},
      { status: 'unchanged', reason: 'pull request #1 for 1.2.3 was merged', pullRequest: { number: 1 } }
    ],
    [
      'closed without merging: a person said no',
      { open: null, closed: pull(1, 'closed'), others: [] },
      {},
      {
        status: 'skipped',
        reason: 'pull request #1 for 1.2.3 was closed without merging (closed-pr: reopen opens a new one)',
        branch: 'bump/runtime-1.2.3'
      }
    ],
    [
      'closed, and closed-pr: reopen',
      { open: null, closed: pull(1, 'closed'), others: [] },
      { 'closed-pr': 'reopen' },
      null
    ]
  ])('%s', (_what, prior, inputs, expected) => {
    const answer = closedAnswer(prior, toLand, ctx(inputs))
    if (expected === null) expect(answer).toBeNull()
    else expect(answer).toMatchObject(expected)
  })
})
