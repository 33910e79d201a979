import type { Flavour } from '../../test-support/forge/flavours.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { fileAt, history, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

/**
 * Pull requests over several releases, as a platform team lives with them: superseded ones
 * closed, a rolling branch, auto-merge, who looks at it, a closed pull request respected. One
 * forge per test; each flavour's answers from its own source (cited in the test forge).
 */
let forge: TestForge
afterEach(() => forge.close())

const first = (outputs: Record<string, string>) => resultsOf(outputs)[0]
const pr = (version: string, extra: Record<string, string> = {}) =>
  inputsFor(forge, 'tpl', { mode: 'pull-request', version, ...extra })
const pulls = () => forge.repo('acme/tpl').pulls
const branches = async () => [...(await forge.store.branches(forge.repo('acme/tpl'))).keys()].sort()
const requests = (method: string, path: RegExp) => forge.count({ kind: 'api', method, path })

describe.each<Flavour>(['gitea-1.25', 'github'])('bump pull requests on %s', (flavour) => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
    forge.github.tokenKind = 'app'
    await template(forge, 'tpl', { protectBranch: 'main' })
  })

  it('three releases in a row: the two superseded closed with a comment, their branches gone, one open', async () => {
    for (const version of ['1.0.0', '1.1.0']) expect((await runAction(pr(version))).exitCode).toBe(0)
    const third = await runAction(pr('1.2.0'))
    expect(first(third.outputs)).toMatchObject({
      status: 'pr-opened',
      reason: 'opened #3: pinned 1.2.0 (was 0.1.0); closed #2 (superseded)'
    })
    expect(pulls().map((p) => [p.number, p.state, p.comments])).toEqual([
      [1, 'closed', ['Superseded by #2, which pins 1.1.0.']],
      [2, 'closed', ['Superseded by #3, which pins 1.2.0.']],
      [3, 'open', undefined]
    ])
    expect(await branches()).toEqual(['bump/runtime-1.2.0', 'main'])
    expect(third.summary).toContain('closed #2 (superseded)')
  })

  it('a superseded pull request with someone else’s commit is left open, and its branch kept', async () => {
    await runAction(pr('1.0.0'))
    await forge.store.commit(
      forge.repo('acme/tpl'),
      { 'notes.md': 'mine\n' },
      'docs: a note',
      undefined,
      true,
      'bump/runtime-1.0.0'
    )
    const next = await runAction(pr('1.1.0'))
    expect(first(next.outputs).reason).toBe(
      'opened #2: pinned 1.1.0 (was 0.1.0); #1 (bump/runtime-1.0.0) has commits the cascade did not make: left open'
    )
    expect(pulls()[0].state).toBe('open')
    expect(await branches()).toContain('bump/runtime-1.0.0')
  })

  it('close-superseded: false leaves the old pull request open', async () => {
    await runAction(pr('1.0.0'))
    await runAction(pr('1.1.0', { 'close-superseded': 'false' }))
    expect(pulls().map((p) => p.state)).toEqual(['open', 'open'])
  })

  it('a rolling branch is updated without force, and its pull request now says the new version', async () => {
    const rolling = { 'pr-branch': 'bump/runtime', transport: 'git' }
    await runAction(pr('1.0.0', rolling))
    const before = await history(forge, 'acme/tpl', 'bump/runtime')
    forge.repo('acme/tpl').labels = ['runtime']
    const next = await runAction(pr('1.1.0', { ...rolling, 'pr-labels': 'runtime' }))
    expect(first(next.outputs)).toMatchObject({ status: 'pr-exists' })
    // The labels it lacked are added to the rolling pull request found open.
    expect(pulls()[0].labels).toEqual(['runtime'])
    expect(first(next.outputs).reason).toMatch(
      /^#1 already open: pinned 1\.1\.0 \(was 0\.1\.0\); its title and body now say this version$/
    )
    expect(pulls()).toEqual([
      expect.objectContaining({ number: 1, state: 'open', title: 'chore: pin runtime to 1.1.0' })
    ])
    expect(await fileAt(forge, 'acme/tpl', '.runtime-version', 'bump/runtime')).toBe('1.1.0\n')
    // Nothing rewritten: the old tip is still in the branch's history.
    expect(await history(forge, 'acme/tpl', 'bump/runtime')).toEqual(expect.arrayContaining(before))
  })

  it('a pull request a person closed is not reopened; closed-pr: reopen opens a new one', async () => {
    await runAction(pr('1.0.0'))
    pulls()[0].state = 'closed'
    const tip = await forge.store.tip(forge.repo('acme/tpl'), 'bump/runtime-1.0.0')
    const again = await runAction(pr('1.0.0'))
    expect(first(again.outputs)).toMatchObject({
      status: 'skipped',
      reason: 'pull request #1 for 1.0.0 was closed without merging (closed-pr: reopen opens a new one)'
    })
    expect(await forge.store.tip(forge.repo('acme/tpl'), 'bump/runtime-1.0.0')).toBe(tip)
    expect(again.exitCode).toBe(0)
    const forced = await runAction(pr('1.0.0', { 'closed-pr': 'reopen' }))
    expect(first(forced.outputs)).toMatchObject({ status: 'pr-opened', reason: expect.stringMatching(/^opened #2: /) })
  })

  it('a merged pull request means the pin is there: unchanged', async () => {
    await runAction(pr('1.0.0'))
    pulls()[0].state = 'closed'
    pulls()[0].merged = true
    const again = await runAction(pr('1.0.0'))
    expect(first(again.outputs)).toMatchObject({ status: 'unchanged', reason: 'pull request #1 for 1.0.0 was merged' })
  })

  it('a re-run looks the pull request up before it posts one: no POST /pulls', async () => {
    await runAction(pr('1.0.0'))
    const posts = requests('POST', /\/pulls$/)
    const again = await runAction(pr('1.0.0'))
    expect(first(again.outputs).status).toBe('pr-exists')
    expect(requests('POST', /\/pulls$/)).toBe(posts)
  })

  it('labels by name, reviewers and teams, assignees, on the pull request it opens; a missing label is a warning', async () => {
    forge.repo('acme/tpl').labels = ['runtime']
    forge.store.orgLabels.set('acme', ['platform'])
    const run = await runAction(
      pr('1.0.0', {
        'pr-labels': 'runtime, platform, nowhere',
        'pr-reviewers': 'alice bob',
        'pr-team-reviewers': 'platform-team',
        'pr-assignees': 'carol'
      })
    )
    const [pull] = pulls()
    expect(pull).toMatchObject({ reviewers: ['alice', 'bob'], teamReviewers: ['platform-team'], assignees: ['carol'] })
    // GitHub takes names and creates the label it does not have; Gitea takes ids of labels it has.
    const expected = {
      github: [['runtime', 'platform', 'nowhere'], 'opened #1: pinned 1.0.0 (was 0.1.0)'],
      gitea: [
        ['runtime', 'platform'],
        'opened #1: pinned 1.0.0 (was 0.1.0); label nowhere does not exist here: not added'
      ]
    }
    expect([pull.labels, first(run.outputs).reason]).toEqual(expected[flavour === 'github' ? 'github' : 'gitea'])
    expect(run.exitCode).toBe(0)
  })

  it('a rolling pull request over three releases: whoever reviewed, and their team, is not asked again', async () => {
    const people = { 'pr-branch': 'bump/runtime', 'pr-reviewers': 'alice bob', 'pr-team-reviewers': 'platform' }
    await runAction(pr('1.0.0', people))
    const asks = () => requests('POST', /requested_reviewers$/)
    expect(asks()).toBe(1)
    // A re-run while every request is open reads no reviews and asks nobody.
    await runAction(pr('1.1.0', people))
    expect([asks(), requests('GET', /\/reviews$/)]).toEqual([1, 0])
    // alice reviews for the team, bob asks for changes: they and the team leave the requests.
    forge.review('acme/tpl', 1, 'alice', 'APPROVED', 'platform')
    forge.review('acme/tpl', 1, 'bob', 'CHANGES_REQUESTED')
    const third = await runAction(pr('1.2.0', people))
    expect(first(third.outputs).status).toBe('pr-exists')
    expect(asks()).toBe(1)
    expect(pulls()[0]).toMatchObject({ reviewers: [], teamReviewers: [] })
  })

  it('a draft: GitHub’s flag, Gitea’s WIP: title', async () => {
    await runAction(pr('1.0.0', { 'pr-draft': 'true' }))
    const [pull] = pulls()
    expect([pull.draft, pull.title]).toEqual(
      flavour === 'github' ? [true, 'chore: pin runtime to 1.0.0'] : [false, 'WIP: chore: pin runtime to 1.0.0']
    )
  })
})

describe('assignees on GitHub', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
    await template(forge, 'tpl')
  })

  it('one GitHub left out (no push access, 201 all the same) is named in the result; the run stays green', async () => {
    forge.github.withoutPush.add('outsider')
    const run = await runAction(pr('1.0.0', { 'pr-assignees': 'carol outsider' }))
    expect(pulls()[0].assignees).toEqual(['carol'])
    expect(first(run.outputs)).toMatchObject({
      status: 'pr-opened',
      reason:
        'opened #1: pinned 1.0.0 (was 0.1.0); not assigned: outsider (the forge ignores an assignee without push access)'
    })
    expect(run.exitCode).toBe(0)
  })
})

describe('auto-merge on Gitea', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'gitea-1.25' })
  })

  it('with checks required, the merge is scheduled (201) and said so; without, it merges at once (200)', async () => {
    await template(forge, 'tpl', { protectBranch: 'main', requiredChecks: true })
    const run = await runAction(pr('1.0.0', { 'auto-merge': 'squash' }))
    expect(first(run.outputs).reason).toBe(
      'opened #1: pinned 1.0.0 (was 0.1.0); auto-merge scheduled: not mergeable yet (Not all required status checks successful); the forge merges it once that changes'
    )
    expect(pulls()[0]).toMatchObject({ state: 'open', autoMerge: 'squash' })
    forge.repo('acme/tpl').requiredChecks = false
    const next = await runAction(pr('1.1.0', { 'auto-merge': 'merge' }))
    expect(first(next.outputs).reason).toMatch(
      /^opened #2: pinned 1\.1\.0 \(was 0\.1\.0\); merged; closed #1 \(superseded\)$/
    )
    expect(await fileAt(forge, 'acme/tpl', '.runtime-version')).toBe('1.1.0\n')
  })
})

describe('auto-merge on GitHub', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
    forge.github.tokenKind = 'app'
  })

  it.each([
    [{ allowAutoMerge: false }, 'auto-merge refused: Auto merge is not allowed for this repository', 'open'],
    [{ allowAutoMerge: true, requiredChecks: true }, 'auto-merge enabled', 'open'],
    // Nothing to wait for: GitHub refuses auto-merge ("clean status"), so it is merged directly.
    [{ allowAutoMerge: true, requiredChecks: false }, 'merged', 'closed'],
    // Checks no rule requires still running: "unstable status", also refused; merged directly, and said.
    [
      { allowAutoMerge: true, requiredChecks: false, optionalChecksPending: true },
      'merged: no check is required, so GitHub merged it with checks still pending or failing',
      'closed'
    ]
  ])('%j: %s', async (settings, said, state) => {
    await template(forge, 'tpl', { protectBranch: 'main', ...settings })
    const run = await runAction(pr('1.0.0', { 'auto-merge': 'squash' }))
    expect(first(run.outputs)).toMatchObject({
      status: 'pr-opened',
      reason: `opened #1: pinned 1.0.0 (was 0.1.0); ${said}`
    })
    expect(pulls()[0].state).toBe(state)
    // A refusal never fails the pin that is already pushed.
    expect(run.exitCode).toBe(0)
  })

  it('auto-merge failing for a while after the pull request opened: failed, saying it is open, and a re-run asks again', async () => {
    await template(forge, 'tpl', { protectBranch: 'main', allowAutoMerge: true, requiredChecks: true })
    // Every GraphQL request fails: the look-up goes to REST, the mutation runs out of retries.
    forge.fault({ kind: 'api', path: /graphql/ }, { status: 502 })
    const run = await runAction(pr('1.0.0', { 'auto-merge': 'squash', 'retry-delay-ms': '10' }))
    expect(first(run.outputs)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^opened #1, but asking for auto-merge failed: HTTP 502: .*\(after 4 attempts\)$/)
    })
    // The pull-requests output lists it: it is open, and the operator can look at it.
    expect(JSON.parse(run.outputs['pull-requests'])).toEqual([
      expect.objectContaining({ template: 'acme/tpl', number: 1 })
    ])
    expect(run.outputs['retryable-templates']).toBe('acme/tpl')
    expect(pulls()).toHaveLength(1)
    forge.clearFaults()
    const again = await runAction(pr('1.0.0', { 'auto-merge': 'squash' }))
    expect(first(again.outputs)).toMatchObject({
      status: 'pr-exists',
      reason: expect.stringContaining('auto-merge enabled')
    })
    expect(pulls()).toEqual([expect.objectContaining({ number: 1, state: 'open', autoMerge: 'SQUASH' })])
  })
})
