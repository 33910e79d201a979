import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import {
  apiWrites,
  fileAt,
  gitRequests,
  history,
  inputsFor,
  resultFor,
  resultsOf,
  statusOf,
  template
} from '../../test-support/scenario.js'

let forge: TestForge

/**
 * What the cascade decides from the look-up round, on the default transport: one run over
 * templates that each meet one situation, and an `it` for each.
 */
describe('a cascade decides', () => {
  let run: ActionRun
  beforeAll(async () => {
    forge = await TestForge.start()
    await template(forge, 'plain')
    await template(forge, 'no-workflow', { workflow: false })
    await template(forge, 'gitea-workflow', { workflow: '.gitea/workflows/publish-image.yml' })
    await template(forge, 'forgejo-workflow', { workflow: '.forgejo/workflows/publish-image.yml' })
    await template(forge, 'pinned-loosely', {
      files: { '.runtime-version': '  1.2.3  \r\n# managed by the cascade\n' },
      pin: null
    })
    await template(forge, 'trunk', { defaultBranch: 'trunk' })
    await template(forge, 'archived', { archived: true })
    await template(forge, 'mirror', { mirror: true })
    await forge.createRepo('acme/empty', { empty: true })
    await template(forge, 'read-only', { readOnly: true })
    const names =
      'plain no-workflow gitea-workflow forgejo-workflow pinned-loosely trunk archived mirror empty read-only typo'
    run = await runAction(inputsFor(forge, names))
  })
  afterAll(() => forge.close())

  it('to pin a template, and to fail the step when any template failed, naming them', async () => {
    expect(resultFor(run, 'plain')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was 0.1.0)',
      branch: 'main'
    })
    expect(await fileAt(forge, 'acme/plain', '.runtime-version')).toBe('1.2.3\n')
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failed-templates']).toBe('acme/read-only acme/typo')
    expect(run.outputs['retryable-templates']).toBe('') // neither is fixed by a re-run
    expect(run.stdout).toContain(
      "::error::2 of 11 template(s) failed. acme/read-only: the token may read but not write it: on Gitea or Forgejo, the token's user needs Write on the repository (as a collaborator or through a team) and the token the write:repository scope. acme/typo: check the name: the forge has no such repository or branch, or the token cannot see it."
    )
  })

  it('to soft-skip a template without publish-image.yml, touching nothing', async () => {
    expect(resultFor(run, 'no-workflow')).toMatchObject({
      status: 'skipped',
      reason:
        'no publish-image.yml (looked for .github/workflows/publish-image.yml, .gitea/workflows/publish-image.yml, .forgejo/workflows/publish-image.yml)'
    })
    expect(run.outputs['skipped-templates']).toBe('acme/no-workflow acme/archived acme/mirror acme/empty')
    expect(apiWrites(forge, 'acme/no-workflow').length + gitRequests(forge, 'acme/no-workflow')).toBe(0)
    expect(await fileAt(forge, 'acme/no-workflow', '.runtime-version')).toBe('0.1.0\n')
  })

  it('that the workflow may live under .gitea or .forgejo', async () => {
    expect([resultFor(run, 'gitea-workflow').status, resultFor(run, 'forgejo-workflow').status]).toEqual([
      'updated',
      'updated'
    ])
    for (const t of ['acme/gitea-workflow', 'acme/forgejo-workflow'])
      expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })

  it('that a pin with other whitespace or a second line is already pinned, as templates read it', async () => {
    expect(resultFor(run, 'pinned-loosely')).toMatchObject({ status: 'unchanged', reason: 'already pinned to 1.2.3' })
    expect(run.outputs['unchanged-templates']).toBe('acme/pinned-loosely')
    expect(await history(forge, 'acme/pinned-loosely')).toHaveLength(1)
    expect(apiWrites(forge, 'acme/pinned-loosely').length).toBe(0)
  })

  it('to pin the default branch when it is not main', async () => {
    expect(resultFor(run, 'trunk')).toMatchObject({ status: 'updated', branch: 'trunk' })
    expect(await fileAt(forge, 'acme/trunk', '.runtime-version', 'trunk')).toBe('1.2.3\n')
  })

  it('to skip archived, mirror and empty repositories with the reason, writing nothing', async () => {
    expect(
      ['archived', 'mirror', 'empty'].map((n) => `${resultFor(run, n).status}: ${resultFor(run, n).reason}`)
    ).toEqual([
      'skipped: archived repository',
      'skipped: mirror repository (read-only)',
      'skipped: empty repository (no branch to pin)'
    ])
    expect(
      ['acme/archived', 'acme/mirror', 'acme/empty'].map((t) => gitRequests(forge, t) + apiWrites(forge, t).length)
    ).toEqual([0, 0, 0])
  })

  it('that a token without push permission (as Gitea reports it) fails before any write', async () => {
    expect(resultFor(run, 'read-only')).toMatchObject({
      status: 'failed',
      reason: 'the token has no push permission on this repository'
    })
    expect(gitRequests(forge, 'acme/read-only') + apiWrites(forge, 'acme/read-only').length).toBe(0)
  })

  it('that a missing repository fails, never a skip: a typo never looks like success', async () => {
    expect(resultFor(run, 'typo')).toMatchObject({
      status: 'failed',
      reason: 'repository not found, or the token cannot see it (HTTP 404)'
    })
  })

  it('to keep results in input order, and the summary too, after the failed ones', async () => {
    const order = resultsOf(run.outputs).map((r) => r.template.split('/')[1])
    expect(order.join(' ')).toBe(
      'plain no-workflow gitea-workflow forgejo-workflow pinned-loosely trunk archived mirror empty read-only typo'
    )
    const rows = run.summary.split('\n').filter((l) => /^\| \[?acme\//.test(l))
    expect(rows.map((r) => /^\| \[?acme\/([^\]| ]+)/.exec(r)![1]).join(' ')).toBe(
      'read-only typo plain no-workflow gitea-workflow forgejo-workflow pinned-loosely trunk archived mirror empty'
    )
    // A repository that does not exist is named, not linked to a 404.
    expect(rows[1]).toMatch(/^\| acme\/typo \| ❌/)
    expect(run.summary).toContain('\n4 updated, 1 unchanged, 4 skipped, 2 failed\n')
  })
})

describe('a cascade, configured', () => {
  forgeForEachTest((f) => (forge = f))

  it('probes nothing when probe-path is empty', async () => {
    const t = await template(forge, 'tpl-x', { workflow: false })
    const run = await runAction(inputsFor(forge, 'tpl-x', { 'probe-path': '' }))
    expect(statusOf(run.outputs)).toEqual({ 'acme/tpl-x': 'updated' })
    expect(await fileAt(forge, t, '.runtime-version')).toBe('1.2.3\n')
  })

  it('with fail-on-error false, reports a failure but the step stays green', async () => {
    const run = await runAction(inputsFor(forge, 'tpl-typo', { 'fail-on-error': 'false' }))
    expect(run.exitCode).toBe(0)
    expect(run.outputs['failed-templates']).toBe('acme/tpl-typo')
    expect(run.stdout).toMatch(/::warning::.*fail-on-error is false/)
  })

  it('fails an explicit branch that does not exist instead of skipping it', async () => {
    await template(forge, 'tpl-a')
    const run = await runAction(inputsFor(forge, 'tpl-a', { branch: 'relase' }))
    expect(resultsOf(run.outputs)[0]).toMatchObject({ status: 'failed', reason: 'branch relase not found' })
  })

  it('prints each template as one group, never interleaved', async () => {
    for (const name of ['t1', 't2', 't3', 't4', 't5']) await template(forge, name)
    forge.latencyMs = 30
    const run = await runAction(inputsFor(forge, 't1 t2 t3 t4 t5', { concurrency: '5' }))
    const open: string[] = []
    let checked = 0
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('::group::')) open.push(line)
      if (line.startsWith('::endgroup::')) open.pop()
      const landed = /landed through the contents API: \w+ on main/.test(line)
      if (landed || line.includes('looking up acme/')) {
        expect(open).toHaveLength(1)
        checked++
      }
      if (line.includes('looking up acme/')) expect(open[0]).toContain(line.split('looking up ')[1].split(/\s/)[0])
    }
    expect(checked).toBe(10)
    // In the order of the list, whatever order the pool finished them in.
    const groups = run.stdout.split('\n').filter((l) => l.startsWith('::group::'))
    expect(groups.map((l) => /acme\/(t\d)/.exec(l)![1])).toEqual(['t1', 't2', 't3', 't4', 't5'])
  })
})
