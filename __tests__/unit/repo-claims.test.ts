import { foldSameRepository, RepoClaims } from '../../src/pipeline/repo-claims.js'
import { result } from '../../src/pipeline/template-result.js'

describe('two names for one repository', () => {
  it.each<[string, Array<[string, string]>, Array<string | null>]>([
    [
      'distinct repositories: each claims its own',
      [
        ['acme/a', 'acme/a'],
        ['acme/b', 'acme/b']
      ],
      [null, null]
    ],
    [
      'the old name after the new one: folded into it',
      [
        ['acme/new', 'acme/new'],
        ['acme/new', 'acme/old']
      ],
      [null, 'acme/new']
    ],
    [
      'names differing in case are one repository',
      [
        ['Acme/A', 'acme/a'],
        ['acme/a', 'ACME/a2']
      ],
      [null, 'acme/a']
    ],
    [
      'the same template asking again keeps its claim',
      [
        ['acme/a', 'acme/a'],
        ['acme/a', 'acme/a']
      ],
      [null, null]
    ]
  ])('%s', (_what, asks, answers) => {
    const claims = new RepoClaims()
    expect(asks.map(([repo, template]) => claims.claim(repo, template))).toEqual(answers)
  })

  it('a folded result leaves its place; the claimant says both names', () => {
    const folded = foldSameRepository([
      result('acme/new', 'updated', 'pinned 1.2.3 (was 0.1.0)'),
      result('acme/b', 'unchanged', 'already pinned to 1.2.3'),
      { ...result('acme/old', 'unchanged', 'the same repository as acme/new'), sameAs: 'acme/new' }
    ])
    expect(folded.map((r) => [r.template, r.reason, r.names])).toEqual([
      [
        'acme/new',
        'pinned 1.2.3 (was 0.1.0); listed as acme/new and acme/old: one repository, written once',
        ['acme/new', 'acme/old']
      ],
      ['acme/b', 'already pinned to 1.2.3', undefined]
    ])
  })
})
