import { parseBranch, parseFile, parseRepo, parseWrite } from '../../src/forge/forge-shapes.js'

// Each forge's JSON, mapped in one place (shapes from the forges' descriptions); odd shapes fail closed.
const SHA = 'a'.repeat(40)

describe('parseRepo', () => {
  it.each([
    [
      'gitea',
      { full_name: 'acme/t', default_branch: 'main', mirror: true, permissions: { push: false } },
      { mirror: true, canPush: false }
    ],
    // GitHub's push flag is not trusted (App tokens say false and can push): the write decides.
    [
      'github',
      { full_name: 'acme/t', default_branch: 'main', mirror_url: 'https://x', permissions: { push: false } },
      { mirror: true, canPush: undefined }
    ],
    ['github', { full_name: 'acme/t', default_branch: 'main', mirror_url: null }, { mirror: false, canPush: undefined }]
  ] as const)('%s %j', (kind, data, expected) => {
    expect(parseRepo(kind, data, 'GET /repos/acme/t')).toMatchObject({ owner: 'acme', name: 't', ...expected })
  })

  it('a repository answer without full_name fails closed', () => {
    expect(() => parseRepo('gitea', { name: 't' }, 'GET /repos/acme/t')).toThrow(/without the repository's full_name/)
  })
})

describe('parseBranch', () => {
  it.each([
    [
      'Gitea',
      { name: 'main', commit: { id: SHA, message: 'm\n\nRuntime-Cascade-Version: 1' } },
      { sha: SHA, message: 'm\n\nRuntime-Cascade-Version: 1', tree: undefined }
    ],
    [
      'GitHub',
      { name: 'main', commit: { sha: SHA, commit: { message: 'm', tree: { sha: 'b'.repeat(40) } } } },
      { sha: SHA, message: 'm', tree: 'b'.repeat(40) }
    ],
    [
      'GitHub, with the tip’s parents (a merge)',
      {
        name: 'main',
        commit: { sha: SHA, commit: { message: 'm' }, parents: [{ sha: 'c'.repeat(40) }, { sha: 'd'.repeat(40) }] }
      },
      { sha: SHA, message: 'm', tree: undefined, parents: ['c'.repeat(40), 'd'.repeat(40)] }
    ]
  ])('%s', (_forge, data, expected) => {
    expect(parseBranch(data, 'GET branch')).toEqual({ name: 'main', ...expected })
  })

  it('a branch without its commit fails closed', () => {
    expect(() => parseBranch({ name: 'main' }, 'GET branch')).toThrow(/without the branch's commit/)
  })
})

describe('parseFile', () => {
  const b64 = Buffer.from('1.2.3\n').toString('base64')
  it.each([
    [
      'a file',
      { type: 'file', sha: SHA, path: 'v', content: b64, encoding: 'base64' },
      { kind: 'file', sha: SHA, bytes: Buffer.from('1.2.3\n') }
    ],
    ['a directory (a list)', [], { kind: 'other', sha: '', type: 'dir' }],
    [
      'a Gitea symlink',
      { type: 'symlink', sha: SHA, path: 'v', target: 'x' },
      { kind: 'other', sha: SHA, type: 'symlink' }
    ],
    // GitHub answers a symlink with its target, under the target's path.
    [
      'a GitHub symlink',
      { type: 'file', sha: SHA, path: 'real/v', content: b64, encoding: 'base64' },
      { kind: 'other', sha: SHA, type: 'a symlink to real/v' }
    ],
    [
      'a file too large to inline',
      { type: 'file', sha: SHA, path: 'v', content: null, encoding: null },
      { kind: 'other', sha: SHA, type: 'file too large to be inlined' }
    ]
  ])('%s', (_what, data, expected) => {
    expect(parseFile(data, 'GET contents', 'v')).toEqual(expected)
  })
})

describe('parseWrite', () => {
  it.each([
    [
      'GitHub contents: verification inside the commit',
      { content: {}, commit: { sha: SHA, verification: { verified: true } } },
      true
    ],
    [
      'Gitea contents: verification beside it',
      { content: {}, commit: { sha: SHA }, verification: { verified: false } },
      false
    ],
    ['GitHub Git Data: the commit itself', { sha: SHA, tree: {}, verification: { verified: true } }, true],
    ['no verification at all', { commit: { sha: SHA } }, undefined]
  ])('%s', (_what, data, verified) => {
    expect(parseWrite(data, 'PUT contents')).toEqual({ commit: SHA, verified })
  })

  it('a write answered without its commit fails closed', () => {
    expect(() => parseWrite({ content: {} }, 'PUT contents')).toThrow(/without the commit it made/)
  })
})
