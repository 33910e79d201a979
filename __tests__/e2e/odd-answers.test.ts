import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { fileAt, gitRequests, inputsFor, resultFor, template } from '../../test-support/scenario.js'

let forge: TestForge

describe('answers that are not what they should be', () => {
  let run: ActionRun
  beforeAll(async () => {
    forge = await TestForge.start()
    for (const name of ['html', 'null', 'list']) await template(forge, name)
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/html$/ },
      { status: 200, raw: '<html><body>Sign in</body></html>' }
    )
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/null$/ },
      { status: 200, raw: 'null', contentType: 'application/json' }
    )
    forge.fault(
      { kind: 'api', path: /\/repos\/acme\/list$/ },
      { status: 200, raw: '[]', contentType: 'application/json' }
    )
    await template(forge, 'bom', { pin: null, files: { '.runtime-version': '\ufeff1.2.3\n' } })
    run = await runAction(inputsFor(forge, 'html null list bom'))
  })
  afterAll(() => forge.close())

  it.each([
    ['html', 'an HTML page', 'repository lookup failed: HTTP 200 with a body that is not JSON (text/html)'],
    [
      'null',
      'null',
      'repository lookup failed: the forge answered GET /repos/acme/null with null where an object belongs'
    ],
    [
      'list',
      'a list',
      'repository lookup failed: the forge answered GET /repos/acme/list with a list where an object belongs'
    ]
  ])('a 2xx that is %s fails closed, saying what came', async (name, _what, reason) => {
    expect(resultFor(run, name)).toMatchObject({ status: 'failed', reason })
    expect(gitRequests(forge, `acme/${name}`) + forge.count({ repo: `acme/${name}`, method: 'PUT' })).toBe(0)
  })

  it('a pin behind a byte-order mark is not pinned to the template: it is rewritten as the version alone', async () => {
    expect(resultFor(run, 'bom')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was "\\ufeff1.2.3"); versions could not be compared ("\\ufeff1.2.3" → 1.2.3)'
    })
    expect(await fileAt(forge, 'acme/bom', '.runtime-version')).toBe('1.2.3\n')
  })
})
