import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { apiWrites, fileAt, inputsFor, resultsOf, template } from '../../test-support/scenario.js'

// A renamed repository listed under its old name (which redirects) and its new one is one
// template: written once, one result that says which names it covered.
let forge: TestForge
afterEach(() => forge.close())

describe.each(['github', 'gitea-1.25', 'forgejo'] as Flavour[])('%s', (flavour) => {
  it.each(['tpl-old tpl-new', 'tpl-new tpl-old'])('listed as "%s": one write, one result, green', async (list) => {
    forge = await TestForge.start({ flavour })
    const t = await template(forge, 'tpl-old')
    await forge.store.rename(forge.repo(t), 'acme/tpl-new')
    await template(forge, 'tpl-b')
    const run = await runAction(inputsFor(forge, `${list} tpl-b`))
    expect(run.exitCode).toBe(0)
    const results = resultsOf(run.outputs)
    expect(results.map((r) => r.status)).toEqual(['updated', 'updated'])
    expect(results[0].reason).toMatch(
      /listed as acme\/tpl-(old|new) and acme\/tpl-(old|new): one repository, written once/
    )
    expect(results[1].template).toBe('acme/tpl-b')
    expect(apiWrites(forge, undefined, /\/contents\//).length).toBe(2)
    expect(await fileAt(forge, 'acme/tpl-new', '.runtime-version')).toBe('1.2.3\n')
    expect(run.outputs['failed-templates']).toBe('')
  })
})
