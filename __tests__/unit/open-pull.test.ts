import { jest } from '@jest/globals'
import type { ForgeApi } from '../../src/forge/forge-api.js'
import type { PullState } from '../../src/forge/pulls-api.js'
import { dressPull, ensurePull, mergeWhenGreen } from '../../src/pulls/open-pull.js'
import { settingsOf } from '../../__fixtures__/decisions.js'

const pull = (changes: Partial<PullState> = {}): PullState => ({
  number: 3,
  url: 'https://git.example.com/acme/a/pulls/3',
  head: 'bump/runtime',
  base: 'main',
  state: 'open',
  merged: false,
  title: 'chore: pin runtime to 1.2.2',
  body: 'old',
  labels: [],
  assignees: [],
  reviewers: [],
  teamReviewers: [],
  ...changes
})

/** A forge API whose pull-request calls are recorded; Gitea's draft is a WIP: title. */
function fakeApi(openAnswer: PullState | 'exists' = pull({ number: 4 }), reviewed: string[] = []) {
  const calls: string[] = []
  const api = {
    pullTitle: (title: string, draft: boolean) => (draft ? `WIP: ${title}` : title),
    openPull: jest.fn(async () => openAnswer),
    pulls: {
      update: jest.fn(
        async (_o: string, _r: string, n: number, fields: object) =>
          void calls.push(`update #${n} ${JSON.stringify(fields)}`)
      ),
      findOpen: jest.fn(async () => null),
      label: jest.fn(async (_o: string, _r: string, n: number, names: string[]) => {
        calls.push(`label #${n} ${names.join(',')}`)
        return names.filter((l) => l === 'nowhere')
      }),
      people: {
        requestReviewers: jest.fn(async (_o: string, _r: string, n: number, users: string[], teams: string[]) => {
          calls.push(`review #${n} ${[...users, ...teams.map((t) => `team:${t}`)].join(',')}`)
        }),
        // GitHub leaves out an assignee without push access, without a word.
        assign: jest.fn(async (_o: string, _r: string, n: number, users: string[]) => {
          calls.push(`assign #${n} ${users.join(',')}`)
          return users.filter((u) => u === 'outsider')
        }),
        reviewedBy: jest.fn(async (_o: string, _r: string, n: number) => {
          calls.push(`reviews #${n}`)
          return reviewed
        })
      },
      autoMerge: jest.fn(async () => ({ kind: 'merged' as const }))
    }
  } as unknown as ForgeApi
  return { api, calls }
}

const target = (api: ForgeApi, inputs: Record<string, string> = {}) => ({
  api,
  owner: 'acme',
  repo: 'a',
  base: 'main',
  pr: settingsOf({ mode: 'pull-request', ...inputs }).pr,
  call: {}
})

describe('ensurePull', () => {
  it('opens one when none is open', async () => {
    const { api } = fakeApi()
    expect(await ensurePull(target(api), null)).toMatchObject({ opened: true, pull: { number: 4 } })
  })

  it("a rolling branch's open one gets this version's title and body, a draft's WIP kept", async () => {
    const { api, calls } = fakeApi()
    const done = await ensurePull(target(api, { 'pr-branch': 'bump/runtime', 'pr-draft': 'true' }), pull())
    expect(done).toMatchObject({ opened: false, notes: ['its title and body now say this version'] })
    expect(calls).toEqual([expect.stringContaining('update #3 {"title":"WIP: chore: pin runtime to 1.2.3"')])
  })

  it('a versioned branch’s open one is left as it is', async () => {
    const { api, calls } = fakeApi()
    await ensurePull(target(api), pull({ head: 'bump/runtime-1.2.3' }))
    expect(calls).toEqual([])
  })

  it('"exists" that cannot be found is said, never a guessed number', async () => {
    const { api } = fakeApi('exists')
    await expect(ensurePull(target(api), null)).rejects.toThrow(/exists, but it was not found/)
  })
})

describe('dressPull', () => {
  const dress = { 'pr-labels': 'deps nowhere', 'pr-reviewers': 'ann', 'pr-assignees': 'bot' }

  it('a new pull request gets every label, reviewer and assignee; a label the forge lacks is a note', async () => {
    const { api, calls } = fakeApi()
    const notes = await dressPull(target(api, dress), 4)
    expect(calls).toEqual(['label #4 deps,nowhere', 'review #4 ann', 'assign #4 bot'])
    expect(notes).toEqual(['label nowhere does not exist here: not added'])
  })

  it("a rolling branch's, found open, gets only what it lacks; reviewers are not asked twice", async () => {
    const { api, calls } = fakeApi()
    await dressPull(target(api, dress), 3, pull({ labels: ['deps'], reviewers: ['ann'], assignees: ['bot'] }))
    expect(calls).toEqual(['label #3 nowhere'])
  })

  it('an assignee the forge left out is a note, not a failure', async () => {
    const { api } = fakeApi()
    const notes = await dressPull(target(api, { 'pr-assignees': 'bot outsider' }), 4)
    expect(notes).toEqual(['not assigned: outsider (the forge ignores an assignee without push access)'])
  })

  const team = { 'pr-reviewers': 'ann bob', 'pr-team-reviewers': 'platform' }
  it.each<[string, Partial<PullState>, string[], string[]]>([
    [
      'everyone still requested: no reviews read, nobody asked',
      { reviewers: ['ann', 'bob'], teamReviewers: ['platform'] },
      [],
      []
    ],
    [
      'ann reviewed (off the requests): not asked again',
      { reviewers: ['bob'], teamReviewers: ['platform'] },
      ['ann'],
      ['reviews #3']
    ],
    [
      'a request a person removed, nobody reviewed: asked again',
      { reviewers: ['bob'], teamReviewers: ['platform'] },
      [],
      ['reviews #3', 'review #3 ann']
    ],
    [
      'the team off the requests after a member reviewed: not asked again',
      { reviewers: ['ann', 'bob'] },
      ['carol'],
      ['reviews #3']
    ],
    [
      'the team off the requests, no review yet: asked',
      { reviewers: ['ann', 'bob'] },
      [],
      ['reviews #3', 'review #3 team:platform']
    ]
  ])('%s', async (_, has, reviewed, expected) => {
    const { api, calls } = fakeApi(undefined, reviewed)
    await dressPull(target(api, team), 3, pull(has))
    expect(calls).toEqual(expected)
  })
})

describe('mergeWhenGreen', () => {
  it('asked only when auto-merge is on', async () => {
    const { api } = fakeApi()
    expect(await mergeWhenGreen(target(api), pull())).toBeUndefined()
    expect(await mergeWhenGreen(target(api, { 'auto-merge': 'squash' }), pull())).toEqual({ kind: 'merged' })
  })
})
