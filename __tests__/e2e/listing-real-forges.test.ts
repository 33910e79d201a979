import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

// org: and topic: sources against what the forges really answer (forge-facts.md, Listing).
let forge: TestForge
afterEach(() => forge.close())

const listed = (outputs: Record<string, string>) => resultsOf(outputs).map((r) => r.template)

describe.each(['gitea-1.22', 'gitea-1.25', 'forgejo-11'] as Flavour[])('%s listings', (flavour) => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour })
    forge.api.listing.maxPageSize = 2
  })

  it('org: an organisation with private repositories the token cannot see: every visible one, pages short or empty', async () => {
    // ids 1-6: pages of two are [t1, hidden], [hidden, hidden], [t2, t3]: one short, one empty.
    await template(forge, 't1')
    for (const name of ['h1', 'h2', 'h3']) await template(forge, name, { hidden: true })
    await template(forge, 't2')
    await template(forge, 't3')
    const run = await runAction(inputsFor(forge, 'org:acme', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(listed(run.outputs)).toEqual(['acme/t1', 'acme/t2', 'acme/t3'])
    expect(forge.count({ kind: 'api', path: /\/orgs\/acme\/repos/ })).toBe(3)
  })

  it('Link names the ROOT_URL, another origin: the next pages are asked through api-url, the token never leaves', async () => {
    forge.api.listing.rootUrl = 'http://gitea.internal:3000'
    for (const name of ['t1', 't2', 't3', 't4', 't5']) await template(forge, name)
    const run = await runAction(inputsFor(forge, 'org:acme', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(listed(run.outputs)).toEqual(['acme/t1', 'acme/t2', 'acme/t3', 'acme/t4', 'acme/t5'])
    expect(forge.count({ kind: 'api', path: /\/orgs\/acme\/repos/ })).toBe(3)
  })

  it('topic: finds the templates by topic, also where the repository JSON has no topics (Gitea 1.22)', async () => {
    await template(forge, 'py-a', { topics: ['runtime-template'] })
    await template(forge, 'py-b', { topics: ['runtime-template', 'python'] })
    await template(forge, 'other', { topics: ['runtime-template-old'] })
    const run = await runAction(inputsFor(forge, 'topic:runtime-template@acme', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(listed(run.outputs)).toEqual(['acme/py-a', 'acme/py-b'])
  })
})

describe('github: org: naming a user', () => {
  beforeEach(async () => {
    forge = await TestForge.start({ flavour: 'github' })
  })

  it("the token's own account: its private templates are listed too (GET /user/repos)", async () => {
    forge.store.users.add('cascade-bot')
    await template(forge, 'cascade-bot/public-a')
    await template(forge, 'cascade-bot/private-b', { private: true })
    const run = await runAction(inputsFor(forge, 'org:cascade-bot', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(listed(run.outputs).sort()).toEqual(['cascade-bot/private-b', 'cascade-bot/public-a'])
  })

  it('an App installation token: what it was granted, private ones too', async () => {
    forge.github.tokenKind = 'app'
    forge.store.users.add('someone')
    await template(forge, 'someone/public-a')
    await template(forge, 'someone/private-b', { private: true })
    const run = await runAction(inputsFor(forge, 'org:someone', { 'dry-run': 'true' }))
    expect(listed(run.outputs).sort()).toEqual(['someone/private-b', 'someone/public-a'])
  })

  it("another user's account: the public ones, and the log says the private ones are left out", async () => {
    forge.store.users.add('someone')
    await template(forge, 'someone/public-a')
    await template(forge, 'someone/private-b', { private: true })
    const run = await runAction(inputsFor(forge, 'org:someone', { 'dry-run': 'true' }))
    expect(run.exitCode).toBe(0)
    expect(statusOf(run.outputs)).toEqual({ 'someone/public-a': 'would-update' })
    expect(run.stdout).toContain(
      'org:someone: GitHub lists only the public repositories of the user someone to this token: private ones are left out (list them by name)'
    )
  })
})
