import { jest } from '@jest/globals'
import type { ForgeApi } from '../../src/forge/forge-api.js'
import type { PullState } from '../../src/forge/pulls-api.js'
import { closeSuperseded, priorPulls } from '../../src/pulls/bump-pulls.js'
import { RateLimitStopError } from '../../src/shared/run-control.js'
import { settingsOf } from '../../__fixtures__/decisions.js'

const pull = (number: number, head: string, changes: Partial<PullState> = {}): PullState => ({
  number,
  url: `u/${number}`,
  head,
  base: 'main',
  state: 'open',
  merged: false,
  title: '',
  body: '',
  labels: [],
  assignees: [],
  reviewers: [],
  teamReviewers: [],
  ...changes
})
const OURS = 'chore: pin runtime\n\nRuntime-Cascade-Version: 1.2.0\n'

function fakeApi(open: PullState[], closed: PullState | null = null, commits: Record<number, string[]> = {}) {
  const done: string[] = []
  const api = {
    pulls: {
      list: jest.fn(async () => open),
      closedFrom: jest.fn(async () => closed),
      headMessage: jest.fn(async (_o: string, _r: string, p: PullState) => commits[p.number]?.[0]),
      commitMessages: jest.fn(async (_o: string, _r: string, n: number) => commits[n] ?? []),
      comment: jest.fn(
        async (_o: string, _r: string, n: number, body: string) => void done.push(`comment #${n}: ${body}`)
      ),
      update: jest.fn(async (_o: string, _r: string, n: number) => void done.push(`close #${n}`)),
      deleteBranch: jest.fn(async (_o: string, _r: string, b: string) => void done.push(`delete ${b}`))
    }
  } as unknown as ForgeApi
  return { api, done }
}

const where = (api: ForgeApi, inputs: Record<string, string> = {}) => {
  const settings = settingsOf({ mode: 'pull-request', ...inputs })
  return { api, owner: 'acme', repo: 'a', base: 'main', pr: settings.pr, version: settings.version, call: {} }
}

describe('priorPulls: what a template already has, before anything is pushed', () => {
  it("this version's open one, and other versions' as candidates to close", async () => {
    const open = [
      pull(5, 'bump/runtime-1.2.3'),
      pull(4, 'bump/runtime-1.2.0'),
      pull(3, 'feature/x'),
      pull(2, 'bump/runtime-1.1.0', { base: 'dev' })
    ]
    const prior = await priorPulls(where(fakeApi(open).api))
    expect(prior.open?.number).toBe(5)
    expect(prior.others.map((p) => p.number)).toEqual([4])
    expect(prior.closed).toBeNull()
  })

  it('none open: the closed one for this version is asked for', async () => {
    const prior = await priorPulls(where(fakeApi([], pull(1, 'bump/runtime-1.2.3', { state: 'closed' })).api))
    expect(prior.closed?.number).toBe(1)
  })

  it("a rolling branch's closed one counts only when its head commit names this version", async () => {
    const closed = pull(1, 'bump/runtime', { state: 'closed' })
    const rolling = { 'pr-branch': 'bump/runtime' }
    const stale = await priorPulls(where(fakeApi([], closed, { 1: [OURS] }).api, rolling))
    expect(stale.closed).toBeNull()
    const current = await priorPulls(where(fakeApi([], closed, { 1: [OURS.replace('1.2.0', '1.2.3')] }).api, rolling))
    expect(current.closed?.number).toBe(1)
  })
})

describe('closeSuperseded', () => {
  it('closes its own (every commit carries the trailer), with a comment, and deletes the branch; leaves anyone else’s', async () => {
    const { api, done } = fakeApi([], null, { 4: [OURS], 3: [OURS, 'fix: mine'] })
    const out = await closeSuperseded(where(api), [pull(4, 'bump/runtime-1.2.0'), pull(3, 'bump/runtime-1.1.0')], {
      number: 5,
      url: 'u/5'
    })
    expect(out.closed).toEqual([4])
    expect(done).toEqual(['comment #4: Superseded by #5, which pins 1.2.3.', 'close #4', 'delete bump/runtime-1.2.0'])
    expect(out.notes).toEqual(['#3 (bump/runtime-1.1.0) has commits the cascade did not make: left open'])
  })

  it('a refusal is a note; a run stop is not swallowed', async () => {
    const { api } = fakeApi([], null, { 4: [OURS] })
    ;(api.pulls.comment as jest.Mock).mockImplementationOnce(async () => {
      throw new Error('HTTP 403: no')
    })
    const out = await closeSuperseded(where(api), [pull(4, 'bump/runtime-1.2.0')], { number: 5, url: 'u/5' })
    expect(out).toEqual({ closed: [], notes: ['#4 could not be closed: HTTP 403: no'] })
    ;(api.pulls.comment as jest.Mock).mockImplementationOnce(async () => {
      throw new RateLimitStopError('GitHub secondary rate limit', new Date(Date.now() + 3_600_000), 300)
    })
    await expect(
      closeSuperseded(where(api), [pull(4, 'bump/runtime-1.2.0')], { number: 5, url: 'u/5' })
    ).rejects.toBeInstanceOf(RateLimitStopError)
  })
})
