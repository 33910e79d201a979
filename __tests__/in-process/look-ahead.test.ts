import type { TemplateRef } from '../../src/inputs/template-list.js'
import { LookAhead } from '../../src/pipeline/look-ahead.js'
import { lookUp } from '../../src/pipeline/look-up.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { apiFor } from '../../test-support/in-process-api.js'
import { inputsFor, template } from '../../test-support/scenario.js'

// What a GraphQL batch says about a template is exactly what the REST look-up says: the same
// repository facts, tips, file bytes and blob shas, so that everything after the look-up is one
// road. Held side by side against the same repositories of the test forge's GitHub flavour.
let forge: TestForge
afterEach(() => forge.close())

const ref = (name: string): TemplateRef => ({ owner: 'acme', repo: name, fullName: `acme/${name}` })

async function kinds(on: TestForge): Promise<string[]> {
  await template(on, 'stale')
  await template(on, 'pinned', { pin: '1.2.3' })
  await template(on, 'archived', { archived: true })
  await template(on, 'fork', { fork: true })
  await template(on, 'no-workflow', { workflow: false })
  await template(on, 'crlf', { pin: null, files: { '.runtime-version': '0.1.0\r\n', 'requirements.txt': 'x==1\n' } })
  await template(on, 'gitea-probe', { workflow: '.gitea/workflows/publish-image.yml' })
  await template(on, 'unicode', { pin: null, files: { '.runtime-version': '0.1.0 # versión\n' } })
  await on.store.rename(on.repo(await template(on, 'old-name')), 'acme/new-name')
  return ['stale', 'pinned', 'archived', 'fork', 'no-workflow', 'crlf', 'gitea-probe', 'unicode', 'old-name']
}

describe('the GraphQL batches against the REST look-up', () => {
  it.each<[string, Record<string, string>]>([
    ['push mode, the default branch', {}],
    ['several pins', { pins: '.runtime-version\nrequirements.txt: x==' }],
    ['a branch input that some templates lack', { branch: 'release' }],
    ['pull-request mode, a bump branch on some', { mode: 'pull-request' }]
  ])('%s: the same look-up, field by field', async (_, extra) => {
    forge = await TestForge.start({ flavour: 'github' })
    const names = await kinds(forge)
    await forge.store.commit(
      forge.repo('acme/stale'),
      { '.runtime-version': '0.2.0\n' },
      'on release',
      undefined,
      true,
      'release'
    )
    await forge.store.commit(
      forge.repo('acme/pinned'),
      { '.runtime-version': '1.1.0\n' },
      'a bump',
      undefined,
      true,
      'bump/runtime-1.2.3'
    )
    const { settings, api, transport } = apiFor(inputsFor(forge, names.join(' '), extra))
    try {
      await api.rateLimit() // the answers say which forge this is, as the token check does
      const ahead = await LookAhead.run(api, names.map(ref), settings, () => {})
      expect(ahead.figures).toMatchObject({ queries: 1, answered: names.length, toRest: 0 })
      for (const name of names) {
        const viaRest = await lookUp(api, ref(name), settings, {})
        const { base, ...seen } = ahead.take(ref(name))!
        expect([name, seen]).toEqual([name, viaRest])
        // The base's tip (which the REST look-up leaves to the landing) is the branch REST reads.
        const repo = viaRest.repo!
        const branch = settings.branch || repo.defaultBranch
        expect([name, base ?? null]).toEqual([name, await api.branch(repo.owner, repo.name, branch)])
      }
    } finally {
      transport.dispose()
    }
  })

  it('an empty repository, a missing one and a symbolic link: the same decision, by another road', async () => {
    forge = await TestForge.start({ flavour: 'github' })
    await forge.createRepo('acme/empty', { empty: true })
    await template(forge, 'linked', { pin: null, files: { v: '0.1.0\n' }, symlinks: { '.runtime-version': 'v' } })
    const names = ['empty', 'missing', 'linked']
    const { settings, api, transport } = apiFor(inputsFor(forge, names.join(' ')))
    try {
      await api.rateLimit()
      const ahead = await LookAhead.run(api, names.map(ref), settings, () => {})
      // GraphQL says isEmpty where REST says "This repository is empty." on each read.
      expect(ahead.take(ref('empty'))?.files.get('.runtime-version')).toEqual({ kind: 'empty-repository' })
      expect((await lookUp(api, ref('empty'), settings, {})).files.get('.runtime-version')).toEqual({
        kind: 'empty-repository'
      })
      // Not found through GraphQL: left to REST, which says 404.
      expect(ahead.take(ref('missing'))).toBeUndefined()
      // GitHub's contents API answers a link with its target's file, GraphQL with the link: both are no file to write.
      expect(ahead.take(ref('linked'))?.files.get('.runtime-version')).toMatchObject({
        kind: 'other',
        type: 'a symlink to v'
      })
      expect((await lookUp(api, ref('linked'), settings, {})).files.get('.runtime-version')).toMatchObject({
        kind: 'other',
        type: 'a symlink to v'
      })
    } finally {
      transport.dispose()
    }
  })
})
