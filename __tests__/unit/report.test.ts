import { buildOutputs } from '../../src/report/outputs.js'
import { result } from '../../src/report/results.js'
import { renderMarkdown } from '../../src/report/summary.js'
import { renderText } from '../../src/report/text-table.js'
import { Redactor } from '../../src/shared/redact.js'

const results = [
  result('acme/a', 'updated', 'pinned 2.0.0 (was 1.0.0)', { commit: 'a'.repeat(40), branch: 'main', attempts: 2 }),
  result('acme/b', 'failed', 'push rejected: hook | declined', { branch: 'main', attempts: 1 }),
  result('acme/c', 'skipped', 'no publish-image.yml', { branch: 'main' }),
  result('acme/d', 'unchanged', 'already pinned to 2.0.0', { branch: 'trunk' }),
  result('acme/e', 'failed', 'repository not found')
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
    expect(Object.keys(parsed[0]).sort()).toEqual(['attempts', 'branch', 'commit', 'reason', 'status', 'template'])
    expect(parsed[1].commit).toBeNull()
  })

  it('empty lists are empty strings', () => {
    expect(buildOutputs([results[0]])['failed-templates']).toBe('')
  })
})

describe('summary', () => {
  const markdown = renderMarkdown('2.0.0', results, false)

  it('is a table in input order with escaped cells', () => {
    const rows = markdown.split('\n').filter((l) => l.startsWith('| acme/'))
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| acme/a', '| acme/b', '| acme/c', '| acme/d', '| acme/e'])
    expect(markdown).toContain('hook \\| declined')
    expect(markdown).toContain('`aaaaaaaaaaaa`')
  })

  it('tells how to re-run only the failed templates', () => {
    expect(markdown).toContain('templates: acme/b acme/e')
  })

  it('marks a dry run', () => {
    expect(renderMarkdown('2.0.0', results, true)).toContain('(dry run)')
  })

  it('plain text has one aligned line per template', () => {
    const lines = renderText(results).split('\n')
    expect(lines).toHaveLength(6)
    expect(lines[0]).toMatch(/^TEMPLATE\s+STATUS\s+BRANCH\s+COMMIT\s+PUSHES\s+DETAIL$/)
    const statusColumn = lines[0].indexOf('STATUS')
    expect(lines.slice(1).map((l) => l.slice(statusColumn).split(' ')[0])).toEqual([
      'updated',
      'failed',
      'skipped',
      'unchanged',
      'failed'
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
