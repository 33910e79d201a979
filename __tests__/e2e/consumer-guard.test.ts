import { TestForge } from '../../test-support/forge/forge.js'
import { runAction } from '../../test-support/run-action.js'
import { annotations, fileAt, inputsFor, resultsOf, statusOf, template } from '../../test-support/scenario.js'

let forge: TestForge

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
    expect(annotations(run.stdout, 'warning')).toEqual([
      `::warning title=runtime cascade%3A the pin may not be read::acme/ignores: ${said}`
    ])
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
    expect(annotations(run.stdout, 'warning')).toEqual([])
  })
})
