import { buildOutputs } from '../../src/report/outputs.js'
import { result } from '../../src/pipeline/template-result.js'
import { renderMarkdown } from '../../src/report/summary.js'
import { renderText } from '../../src/report/text-table.js'
import { Redactor } from '../../src/shared/redact.js'

const results = [
  result('acme/a', 'updated', 'pinned 2.0.0 (was 1.0.0)', { commit: 'a'.repeat(40), branch: 'main', attempts: 2 }),
  result('acme/b', 'failed', 'push rejected: hook | declined', { branch: 'main', attempts: 1 }),
  result('acme/c', 'skipped', 'no publish-image.yml', { branch: 'main' }),
  result('acme/d', 'unchanged', 'already pinned to 2.0.0', { branch: 'trunk' }),
  result('acme/e', 'failed', 'repository not found', { repositoryMissing: true })
]

describe('outputs', () => {
  it('lists templates by status, space-separated, in input order', () => {
    const outputs = buildOutputs(results)
    expect(outputs['failed-templates']).toBe('acme/b acme/e')
    expect(outputs['updated-templates']).toBe('acme/a')
    expect(outputs['unchanged-templates']).toBe('acme/d')
    expect(outputs['skipped-templates']).toBe('acme/c')
  })

  it('results is a JSON array with exactly the documented fields', () => {
    const parsed = JSON.parse(buildOutputs(results).results) as Array<Record<string, unknown>>
    expect(parsed.map((r) => r.template)).toEqual(['acme/a', 'acme/b', 'acme/c', 'acme/d', 'acme/e'])
    expect(Object.keys(parsed[0]).sort()).toEqual([
      'attempts',
      'branch',
      'commit',
      'files',
      'reason',
      'status',
      'template',
      'verified'
    ])
    expect(parsed[1].commit).toBeNull()
  })

  it('empty lists are empty strings', () => {
    expect(buildOutputs([results[0]])['failed-templates']).toBe('')
  })
})

describe('summary', () => {
  const ctx = {
    version: '2.0.0',
    dryRun: false,
    mode: 'push' as const,
    serverUrl: 'https://git.example.com',
    probePaths: ['.github/workflows/publish-image.yml', '.gitea/workflows/publish-image.yml'],
    verifyBuild: false,
    verifyTimeoutSeconds: 300
  }
  const markdown = renderMarkdown(ctx, results)
  const rows = (md: string) => md.split('\n').filter((l) => l.startsWith('| ['))

  it('puts failed templates first, then the rest in input order, each name linked to its repository', () => {
    const names = markdown.split('\n').filter((l) => /^\| (\[|acme)/.test(l))
    expect(names.map((r) => r.split(' | ')[0])).toEqual([
      '| [acme/b](https://git.example.com/acme/b)',
      '| acme/e', // no such repository: nothing to link to
      '| [acme/a](https://git.example.com/acme/a)',
      '| [acme/c](https://git.example.com/acme/c)',
      '| [acme/d](https://git.example.com/acme/d)'
    ])
    expect(markdown).toContain('hook \\| declined')
  })

  it('links the commit to its page', () => {
    expect(markdown).toContain(`[\`aaaaaaaaaaaa\`](https://git.example.com/acme/a/commit/${'a'.repeat(40)})`)
  })

  it('links the pull request where the reason names it, once', () => {
    const pullRequest = { number: 7, url: 'https://git.example.com/acme/a/pulls/7' }
    const opened = result('acme/a', 'pr-opened', 'opened #7: pins 2.0.0', { branch: 'bump/2.0.0', pullRequest })
    const row = rows(renderMarkdown(ctx, [opened]))[0]
    expect(row).toContain('opened [#7](https://git.example.com/acme/a/pulls/7): pins 2.0.0')
    expect(row.match(/#7/g)).toHaveLength(1)
    // A reason that does not name it still gets the link, in front.
    const found = result('acme/a', 'pr-exists', 'already open', { branch: 'bump/2.0.0', pullRequest })
    expect(rows(renderMarkdown(ctx, [found]))[0]).toContain('[#7](https://git.example.com/acme/a/pulls/7) already open')
  })

  it('counts in plain words', () => {
    const more = [
      ...results,
      result('acme/f', 'pr-opened', 'opened #1'),
      result('acme/g', 'pr-exists', '#2'),
      result('acme/h', 'pr-exists', '#3')
    ]
    expect(renderMarkdown(ctx, more)).toContain(
      '\n1 updated, 1 pull request opened, 2 pull requests already open, 1 unchanged, 1 skipped, 2 failed\n'
    )
  })

  it('says the probed paths once, below the table, not in every row', () => {
    const long = result(
      'acme/x',
      'skipped',
      'no publish-image.yml (looked for .github/workflows/publish-image.yml, .gitea/workflows/publish-image.yml)',
      { skip: 'no-workflow' }
    )
    const md = renderMarkdown(ctx, [long, long])
    expect(rows(md)[0]).toMatch(/\| no publish-image\.yml \|$/)
    expect(md.match(/\.gitea\/workflows/g)).toHaveLength(1)
    expect(md).toContain(
      'No publish-image.yml: looked for `.github/workflows/publish-image.yml`, `.gitea/workflows/publish-image.yml`.'
    )
  })

  it('has a build column, linked to the run, when verify-build is on', () => {
    const built = [
      result('acme/a', 'updated', 'pinned', {
        build: { build: 'started', url: 'https://git.example.com/acme/a/actions/runs/7', status: 'in_progress' }
      }),
      result('acme/b', 'updated', 'pinned', { build: { build: 'not-started', reason: 'no run' } }),
      result('acme/c', 'updated', 'pinned', {
        build: { build: 'unknown', reason: 'Forgejo 10.0.0 has no API that lists workflow runs' }
      })
    ]
    const md = renderMarkdown({ ...ctx, verifyBuild: true }, built)
    expect(md).toContain('| Template | Status | Branch | Commit | Writes | Details | Build |')
    expect(rows(md).map((r) => r.split(' | ').pop())).toEqual([
      '[in_progress](https://git.example.com/acme/a/actions/runs/7) |',
      '❌ none within 300 s |',
      '❔ Forgejo 10.0.0 has no API that lists workflow runs |'
    ])
    expect(renderMarkdown(ctx, built)).not.toContain('| Build |')
  })

  it('advises per kind of failure, and gives the re-run block only for those a re-run may fix', () => {
    const advised = renderMarkdown(ctx, [
      result('acme/x', 'failed', 'timed out', { failure: 'transient' }),
      result('acme/y', 'failed', 'user cannot commit to repo [user: bot]', { failure: 'protected-branch' }),
      result('acme/z', 'failed', 'repository not found', { failure: 'not-found' })
    ])
    expect(advised).toContain('**A re-run may fix** (acme/x): re-run it')
    expect(advised).toContain('```\ntemplates: acme/x\n```')
    expect(advised).toContain('**Protected branch** (acme/y): the branch is protected')
    expect(advised).toContain('use `mode: pull-request` for it.')
    expect(advised).toContain('**Not found** (acme/z): check the name')
    expect(markdown).not.toContain('templates: acme/b') // failures of no known kind: no re-run block
  })

  it('says which right the token lacks, in the words of the forge at hand', () => {
    const noAccess = [result('acme/x', 'failed', 'the token has no push permission', { failure: 'no-access' })]
    const gitea = renderMarkdown({ ...ctx, forge: 'gitea' }, noAccess)
    expect(gitea).toContain(
      "**No write access** (acme/x): the token may read but not write it: on Gitea or Forgejo, the token's user needs Write"
    )
    expect(gitea).not.toContain('Contents: read and write')
    const github = renderMarkdown({ ...ctx, forge: 'github' }, noAccess)
    expect(github).toContain('on GitHub, the token needs Contents: read and write')
    expect(github).not.toContain('write:repository')
  })

  it('lists the templates that kept a newer pin, with how to write the older version anyway', () => {
    const md = renderMarkdown(ctx, [
      result('acme/x', 'skipped', 'pins 3.0.0, newer than 2.0.0 (downgrade: skip)', { skip: 'newer-pin' })
    ])
    expect(md).toContain(
      '**Newer pin kept** (acme/x): it pins a newer version than 2.0.0, so `downgrade: skip` left it as it is. To write 2.0.0 anyway: `downgrade: allow`.'
    )
  })

  it('marks a dry run and a check', () => {
    expect(renderMarkdown({ ...ctx, dryRun: true }, results)).toContain('## Runtime cascade: 2.0.0 (dry run)')
    expect(renderMarkdown({ ...ctx, mode: 'check' }, results)).toContain('## Runtime cascade: 2.0.0 (check)')
  })

  it('past a few hundred templates, counts the quiet ones in a collapsible list', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      result(`acme/t${i}`, i < 10 ? 'updated' : i < 12 ? 'failed' : 'unchanged', 'x')
    )
    const md = renderMarkdown(ctx, many)
    expect(rows(md)).toHaveLength(12)
    expect(md).toContain('<details><summary>388 unchanged: not listed above</summary>')
    expect(md).toContain('[acme/t399](https://git.example.com/acme/t399) (unchanged: x)')
  })

  it('stays within the summary size limit, saying what it left out', () => {
    const noisy = Array.from({ length: 250 }, (_, i) => result(`acme/t${i}`, 'failed', 'y'.repeat(5000)))
    const md = renderMarkdown(ctx, noisy)
    expect(md.length).toBeLessThan(1024 * 1024)
    expect(md).toMatch(
      /… \d+ more rows left out to stay within the job summary's size limit: the `results` output has them all\./
    )
  })

  it('plain text has one aligned line per template', () => {
    const lines = renderText(ctx, results).split('\n')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(/^TEMPLATE\s+STATUS\s+BRANCH\s+COMMIT\s+WRITES\s+DETAILS$/)
    const statusColumn = lines[0].indexOf('STATUS')
    // The summary's order: failed first, then the rest in input order.
    expect(lines.slice(1).map((l) => l.slice(statusColumn).split(' ')[0])).toEqual([
      'failed',
      'failed',
      'updated',
      'skipped',
      'unchanged'
    ])
  })
})

describe('Redactor', () => {
  it('removes the token, its base64 form and the basic-auth form', () => {
    const token = 'gta_0123456789abcdef'
    const r = new Redactor(token)
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    const text = `a ${token} b ${Buffer.from(token).toString('base64')} c ${basic}`
    expect(r.redact(text)).toBe('a *** b *** c ***')
  })
})
