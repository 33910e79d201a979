import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { fileAt, gitRequests, history, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge
const writes = () => forge.requests.filter((r) => r.kind === 'api' && r.method !== 'GET').length
const warnings = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::warning'))

describe('check mode: a drift gate', () => {
  let run: ActionRun
  beforeAll(async () => {
    forge = await TestForge.start()
    await template(forge, 'current', { pin: '1.2.3' })
    await template(forge, 'older', { pin: '0.1.0' })
    await template(forge, 'newer', { pin: '2.0.0' })
    await template(forge, 'missing', { pin: null })
    await template(forge, 'nightly', { pin: 'nightly' })
    await template(forge, 'no-workflow', { workflow: false })
    run = await runAction(inputsFor(forge, 'current older newer missing nightly no-workflow typo', { mode: 'check' }))
  })
  afterAll(() => forge.close())

  it('reads and judges every template, writing nothing and asking git nothing', () => {
    expect(resultsOf(run.outputs).map((r) => [r.template.split('/')[1], r.status, r.reason])).toEqual([
      ['current', 'current', 'pins 1.2.3'],
      ['older', 'lagging', 'pins 0.1.0, older than 1.2.3'],
      ['newer', 'lagging', 'pins 2.0.0, newer than 1.2.3'],
      ['missing', 'lagging', 'no .runtime-version'],
      ['nightly', 'lagging', 'pins nightly (not comparable with 1.2.3)'],
      ['no-workflow', 'skipped', expect.stringMatching(/^no publish-image\.yml/)],
      ['typo', 'failed', 'repository not found, or the token cannot see it (HTTP 404)']
    ])
    expect(writes()).toBe(0)
    expect(gitRequests(forge)).toBe(0)
  })

  it('fails the step naming the lagging templates, and lists them in lagging-templates', () => {
    expect(run.exitCode).toBe(1)
    expect(run.outputs['lagging-templates']).toBe('acme/older acme/newer acme/missing acme/nightly')
    expect(run.stdout).toMatch(
      /::error::.*4 of 7 template\(s\) lag behind 1\.2\.3: acme\/older acme\/newer acme\/missing acme\/nightly\. Update them with templates: /
    )
    expect(run.summary).toContain(`| [acme/older](${forge.url}/acme/older) | ⏳ lagging |`)
  })

  it('lagging-templates fed to a push run updates exactly those', async () => {
    const before = (await history(forge, 'acme/current')).length
    const push = await runAction(inputsFor(forge, run.outputs['lagging-templates']))
    expect(statusOf(push.outputs)).toEqual({
      'acme/older': 'updated',
      'acme/newer': 'updated',
      'acme/missing': 'updated',
      'acme/nightly': 'updated'
    })
    for (const name of ['older', 'newer', 'missing', 'nightly'])
      expect(await fileAt(forge, `acme/${name}`, '.runtime-version')).toBe('1.2.3\n')
    expect(await history(forge, 'acme/current')).toHaveLength(before)
    const again = await runAction(inputsFor(forge, 'current older newer missing nightly', { mode: 'check' }))
    expect(again.exitCode).toBe(0)
    expect(again.outputs['lagging-templates']).toBe('')
  })

  it('with fail-on-error false, lagging is reported and the step stays green', async () => {
    await template(forge, 'behind', { pin: '0.0.1' })
    const soft = await runAction(inputsFor(forge, 'behind', { mode: 'check', 'fail-on-error': 'false' }))
    expect(soft.exitCode).toBe(0)
    expect(soft.outputs['lagging-templates']).toBe('acme/behind')
    expect(warnings(soft)).toEqual([expect.stringMatching(/lag behind 1\.2\.3: acme\/behind.*fail-on-error is false/)])
  })
})

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
    expect(writes()).toBe(0)
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
    expect(writes() + gitRequests(forge)).toBe(0)
  })
})

describe('the consumer guard', () => {
  beforeEach(async () => {
    forge = await TestForge.start()
    await template(forge, 'reads') // its workflow runs `head -n1 .runtime-version`
    await template(forge, 'ignores', {
      workflow: false,
      files: { '.github/workflows/publish-image.yml': 'on: push\njobs: {}\n' }
    })
  })
  afterEach(() => forge.close())
  const guarded = (rule?: string) =>
    runAction(inputsFor(forge, 'reads ignores', rule ? { 'require-consumer': rule } : {}))
  const said =
    '.github/workflows/publish-image.yml does not mention .runtime-version: a push may rebuild the image with the old runtime'

  it('warn (the default): pins it, and a warning names the template and why', async () => {
    const run = await guarded()
    expect(statusOf(run.outputs)).toEqual({ 'acme/reads': 'updated', 'acme/ignores': 'updated' })
    expect(warnings(run)).toEqual([`::warning title=runtime cascade%3A the pin may not be read::acme/ignores: ${said}`])
    expect(run.summary).toMatch(/acme\/ignores.*⚠️/)
  })

  it.each([
    ['skip', 'skipped'],
    ['fail', 'failed']
  ])('%s: the template is %s before any write, saying why', async (rule, status) => {
    const run = await guarded(rule)
    expect(resultsOf(run.outputs)[1]).toMatchObject({ status, reason: `${said} (require-consumer: ${rule})` })
    expect(resultsOf(run.outputs)[0].status).toBe('updated')
    expect(forge.requests.filter((r) => r.repo === 'acme/ignores' && r.method !== 'GET')).toEqual([])
    expect(await fileAt(forge, 'acme/ignores', '.runtime-version')).toBe('0.1.0\n')
  })

  it('off: no check at all', async () => {
    const run = await guarded('off')
    expect(statusOf(run.outputs)).toEqual({ 'acme/reads': 'updated', 'acme/ignores': 'updated' })
    expect(warnings(run)).toEqual([])
  })
})

describe('check mode and pull requests', () => {
  it.each(['gitea-1.25', 'github'] as const)(
    '%s: a laggard with the bump pull request open is reported with it, not told to take a push',
    async (flavour) => {
      const f = await TestForge.start({ flavour })
      try {
        await template(f, 'tpl-pr', { protectBranch: 'main' })
        await template(f, 'tpl-old')
        const opened = await runAction(inputsFor(f, 'tpl-pr', { mode: 'pull-request' }))
        expect(opened.exitCode).toBe(0)
        const run = await runAction(inputsFor(f, 'tpl-pr tpl-old', { mode: 'check' }))
        expect(run.exitCode).toBe(1)
        expect(run.stdout.split('\n').find((l) => !l.startsWith('::'))).toMatch(
          /^Checking that 2 template\(s\) pin 1\.2\.3/
        )
        expect(resultsOf(run.outputs)[0]).toMatchObject({
          status: 'lagging',
          reason: 'pins 0.1.0, older than 1.2.3; pull request #1 for 1.2.3 is open'
        })
        expect(run.summary).toContain('```\ntemplates: acme/tpl-old\n```')
        expect(run.summary).toMatch(/\[#1\]\([^)]+\)/)
        expect(run.stdout).toContain(
          'Update them with templates: acme/tpl-old (the others have their pull request open: merge it)'
        )
      } finally {
        await f.close()
      }
    }
  )
})
