import { TestForge } from '../../test-support/forge/forge.js'
import type { Flavour } from '../../test-support/forge/flavours.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

// Pull-request mode over the API where the bump branch's name cannot be had. Gitea's
// POST /branches answers 409 for three causes (routers/api/v1/repo/branch.go CreateBranch);
// only "The branch already exists." means it is there. Every other one fails the template with
// the forge's words, after one POST: no loop, however the forge answers.
let forge: TestForge
afterEach(() => forge.close())

const HEAD = 'bump/runtime-1.2.3'
const pr = (templates: string) => inputsFor(forge, templates, { mode: 'pull-request', transport: 'api' })
const branchPosts = () => forge.count({ kind: 'api', method: 'POST', path: /\/branches$/ })
const apiRequests = (repo: string) => forge.count({ kind: 'api', repo })

describe.each(['gitea-1.22', 'gitea-1.25', 'forgejo'] as Flavour[])(
  '%s: a bump branch name the forge will not give',
  (flavour) => {
    beforeEach(async () => {
      forge = await TestForge.start({ flavour })
    })

    it('a branch "bump" blocks "bump/runtime-1.2.3": the template fails in the forge\'s words, the others are pinned', async () => {
      const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
      await template(forge, 'tpl-b', { protectBranch: 'main' })
      await forge.store.commit(forge.repo(t), { 'notes.md': 'x\n' }, 'a branch called bump', undefined, true, 'bump')
      const run = await runAction(pr('tpl-a tpl-b'))
      expect(run.exitCode).toBe(1)
      expect(resultsOf(run.outputs).map((r) => [r.template, r.status, r.reason])).toEqual([
        ['acme/tpl-a', 'failed', `${HEAD} cannot be created: HTTP 409: The branch with the same name already exists.`],
        ['acme/tpl-b', 'pr-opened', expect.stringMatching(/^opened #1: pinned 1\.2\.3 \(was 0\.1\.0\)/)]
      ])
      expect(branchPosts()).toBe(2) // one each
      // The look-up round, the open pull requests, the branch creation and its check.
      expect(apiRequests('acme/tpl-a')).toBeLessThanOrEqual(11)
    })

    it('a tag named like the bump branch: failed, saying so, one POST', async () => {
      const t = await template(forge, 'tpl-a', { protectBranch: 'main' })
      await forge.store.tag(forge.repo(t), HEAD)
      const run = await runAction(pr('tpl-a'))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'failed',
        reason: `${HEAD} cannot be created: HTTP 409: The branch with the same tag already exists.`
      })
      expect(branchPosts()).toBe(1)
    })

    it('"The branch already exists." and then no such branch: failed, not asked again', async () => {
      await template(forge, 'tpl-a', { protectBranch: 'main' })
      // What Gitea answers when its push was out of date (git.IsErrPushOutOfDate): same 409.
      forge.fault(
        { kind: 'api', method: 'POST', path: /\/branches$/ },
        { status: 409, body: { errors: [], message: 'The branch already exists.', url: `${forge.url}/api/swagger` } }
      )
      const run = await runAction(pr('tpl-a'))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'failed',
        reason: `the forge says ${HEAD} exists, but it cannot be found: not created, not written`
      })
      expect(branchPosts()).toBe(1)
      // The look-up round, the open pull requests, the branch creation and its check.
      expect(apiRequests('acme/tpl-a')).toBeLessThanOrEqual(11)
    })
  }
)
