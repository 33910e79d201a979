import { BatchSizer, GITHUB_REQUEST_DEADLINE_MS } from '../../src/pipeline/batch-sizer.js'

type Step = ['answered' | 'timedOut', number, number]

// What the next GraphQL look-up query asks for, after the answers so far (size, ms).
describe('the size of the next look-up query', () => {
  it.each<[string, number, Step[], number]>([
    ['nothing known yet: the cap', 100, [], 100],
    ['answers well inside the deadline: still the cap', 100, [['answered', 100, 1_000]], 100],
    // 100 ms a repository: half of 10 s is 50 repositories.
    ['slow answers: sized to half the deadline', 100, [['answered', 100, 10_000]], 50],
    // 100 ms a repository, then 10: the estimate moves 30 % of the way, to 73 ms.
    [
      'a fast answer after a slow one moves the estimate only part of the way',
      100,
      [
        ['answered', 50, 5_000],
        ['answered', 50, 500]
      ],
      68
    ],
    ['a cut query: at most half its size from then on', 100, [['timedOut', 100, GITHUB_REQUEST_DEADLINE_MS]], 50],
    [
      'fast answers after a cut never lift the ceiling',
      100,
      [
        ['timedOut', 100, GITHUB_REQUEST_DEADLINE_MS],
        ['answered', 50, 50],
        ['answered', 50, 50]
      ],
      50
    ],
    // Cut at 2 s (a proxy in front of the server): the deadline is 2 s from then on.
    [
      'a sooner deadline is learnt from the cut',
      100,
      [
        ['timedOut', 80, 2_000],
        ['answered', 40, 2_000]
      ],
      20
    ],
    [
      'never below one',
      100,
      [
        ['timedOut', 1, 10_000],
        ['answered', 1, 60_000]
      ],
      1
    ],
    ['a small cap (many reads a repository) is kept', 12, [], 12]
  ])('%s', (_, cap, steps, expected) => {
    const sizer = new BatchSizer(cap)
    for (const [what, size, ms] of steps) sizer[what](size, ms)
    expect(sizer.next()).toBe(expected)
  })
})
