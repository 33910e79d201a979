import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { apiWrites, gitRequests, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge

describe('templates found on the forge', () => {
  afterEach(() => forge.close())

  it('org: lists every repository across pages, leaving out archived, mirrors and forks, and says so', async () => {
    forge = await TestForge.start()
    forge.api.listing.maxPageSize = 2 // an admin's MAX_RESPONSE_ITEMS: three pages for six repositories
    for (const name of ['a', 'b', 'c']) await template(forge, `platform/${name}`)
    await template(forge, 'platform/old', { archived: true })
    await template(forge, 'platform/copy', { mirror: true })
    await template(forge, 'platform/fork', { fork: true })
    const run = await runAction(inputsFor(forge, 'org:platform', { mode: 'check' }))
    expect(resultsOf(run.outputs).map((r) => r.template)).toEqual(['platform/a', 'platform/b', 'platform/c'])
    expect(forge.count({ kind: 'api', path: /\/orgs\/platform\/repos$/ })).toBe(3)
    expect(run.stdout).toContain(
      'org:platform → 3 repositories (left out: 1 archived, 1 mirror, 1 fork): platform/a platform/b platform/c'
    )
  })

  it('topic: and names mix; duplicates collapse, the first spelling kept', async () => {
    forge = await TestForge.start()
    await template(forge, 'tpl-x', { topics: ['runtime-template'] })
    await template(forge, 'tpl-y', { topics: ['runtime-template', 'python'] })
    await template(forge, 'tpl-z', { topics: ['other'] })
    await template(forge, 'elsewhere/tpl-w', { topics: ['runtime-template'] })
    const run = await runAction(inputsFor(forge, 'ACME/tpl-y topic:runtime-template tpl-x org:acme', { mode: 'check' }))
    expect(resultsOf(run.outputs).map((r) => r.template)).toEqual(['ACME/tpl-y', 'acme/tpl-x', 'acme/tpl-z'])
    expect(run.stdout).toContain('topic:runtime-template@acme → 2 repositories: acme/tpl-x acme/tpl-y')
    // The topic was found by Gitea's search, once, not by reading every repository.
    expect(forge.count({ kind: 'api', path: /^\/api\/v1\/repos\/search$/ })).toBe(1)
  })

  it('on GitHub: org listing and topic search; more than search returns is an error, never a silent cut', async () => {
    forge = await TestForge.start({ flavour: 'github' })
    forge.api.listing.maxPageSize = 2
    for (const name of ['a', 'b', 'c']) await template(forge, `platform/${name}`, { topics: ['runtime-template'] })
    const listed = await runAction(inputsFor(forge, 'org:platform topic:runtime-template@platform', { mode: 'check' }))
    expect(resultsOf(listed.outputs).map((r) => r.template)).toEqual(['platform/a', 'platform/b', 'platform/c'])
    expect(forge.count({ kind: 'api', path: /\/search\/repositories$/ })).toBe(2)
    forge.api.listing.searchCap = 2
    const capped = await runAction(inputsFor(forge, 'topic:runtime-template@platform'))
    expect(capped.exitCode).toBe(1)
    expect(capped.stdout).toMatch(
      /::error::templates: listing topic:runtime-template@platform failed: \/search\/repositories found 3 but returned 2 \(GitHub search returns at most 1000 results/
    )
    expect(resultsOf(capped.outputs)).toEqual([])
    expect(apiWrites(forge).length).toBe(0)
  })

  it.each([
    [
      'an unknown org',
      'org:platfrom tpl-a',
      'templates: org:platfrom: the forge knows no organisation or user "platfrom"'
    ],
    [
      'a source that lists nothing to work on',
      'org:attic tpl-a',
      'templates: org:attic lists no repository to work on (left out: 1 archived): is the name right?'
    ]
  ])('%s is one error before any template: a typo never looks like success', async (_what, templates, message) => {
    forge = await TestForge.start()
    await template(forge, 'tpl-a')
    await template(forge, 'attic/old', { archived: true })
    const run = await runAction(inputsFor(forge, templates))
    expect(run.exitCode).toBe(1)
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([`::error::${message}`])
    expect(forge.requests.filter((r) => r.repo === 'acme/tpl-a')).toEqual([])
    expect(apiWrites(forge).length + gitRequests(forge)).toBe(0)
  })
})
