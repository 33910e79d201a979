import { parse } from 'graphql'
import {
  answerCost,
  batchQuery,
  blobOid,
  BatchAnswerError,
  BatchTimeoutError,
  parseBatch,
  queryCost,
  type BatchShape
} from '../../src/forge/graphql-look-up.js'
import { queryScore } from '../../test-support/forge/api/graphql-score.js'
import { checkGraphql } from '../../test-support/spec-check/graphql-check.js'

const ASKS = [
  { owner: 'acme', repo: 'a' },
  { owner: 'acme', repo: 'b' }
]
const SHAPE: BatchShape = { paths: ['.github/workflows/publish-image.yml', '.runtime-version'] }
const PIN = Buffer.from('1.2.3\n')

const entry = (over: Record<string, unknown> = {}, blob: Record<string, unknown> = {}) => ({
  mode: 0o100644,
  type: 'blob',
  oid: blobOid(PIN),
  object: { text: PIN.toString('utf8'), isBinary: false, isTruncated: false, byteSize: PIN.length, ...blob },
  ...over
})
const repoNode = (files: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  nameWithOwner: 'acme/a',
  isArchived: false,
  isMirror: false,
  isFork: false,
  isEmpty: false,
  defaultBranchRef: { name: 'main' },
  at: { name: 'main', target: { oid: 'c'.repeat(40), message: 'init', tree: { oid: 't'.repeat(40) }, ...files } },
  ...over
})
const one = (node: unknown, errors?: unknown[]) =>
  parseBatch({ data: { r0: node }, ...(errors ? { errors } : {}) }, [ASKS[0]], SHAPE)[0]

describe('the GraphQL look-up query', () => {
  it.each<[string, BatchShape]>([
    ['the default branch', SHAPE],
    ['a branch input', { ...SHAPE, branch: 'release/2' }],
    ['pull-request mode', { ...SHAPE, bump: 'runtime-cascade/bump' }],
    ['no paths at all', { paths: [] }]
  ])('validates against GitHub’s published schema: %s', (_, shape) => {
    const { query, variables } = batchQuery(ASKS, shape)
    expect(checkGraphql({ query, variables }, { data: {} })).toEqual([])
  })

  it('carries names and paths as variables, never inside the query text', () => {
    const { query, variables } = batchQuery([{ owner: 'ac"me', repo: 'x) { evil }' }], { paths: ['a"b'] })
    expect(query).not.toContain('evil')
    expect(variables).toMatchObject({ o0: 'ac"me', n0: 'x) { evil }', p0: 'a"b' })
  })
})

describe('reading a GraphQL look-up answer', () => {
  it('reads a repository, its tip and its files as the REST look-up does', () => {
    const item = one(repoNode({ f0: entry(), f1: entry() }))
    expect(item).toEqual({
      kind: 'found',
      facts: {
        repo: expect.objectContaining({ fullName: 'acme/a', defaultBranch: 'main', canPush: undefined }),
        at: {
          tip: { name: 'main', sha: 'c'.repeat(40), message: 'init', tree: 't'.repeat(40) },
          files: new Map([
            [SHAPE.paths[0], { kind: 'file', sha: blobOid(PIN), bytes: PIN }],
            [SHAPE.paths[1], { kind: 'file', sha: blobOid(PIN), bytes: PIN }]
          ])
        }
      }
    })
  })

  it.each<[string, unknown, unknown]>([
    ['an absent file', null, { kind: 'absent' }],
    ['a directory', entry({ type: 'tree', object: {} }), { kind: 'other', sha: blobOid(PIN), type: 'dir' }],
    ['a submodule', entry({ type: 'commit', object: {} }), { kind: 'other', sha: blobOid(PIN), type: 'submodule' }],
    [
      'a symbolic link',
      entry({ mode: 0o120000 }, { text: '../shared/version' }),
      { kind: 'other', sha: blobOid(PIN), type: 'a symlink to ../shared/version' }
    ]
  ])('%s', (_, f1, read) => {
    const item = one(repoNode({ f0: entry(), f1 }))
    expect(item.kind === 'found' && item.facts.at.files.get('.runtime-version')).toEqual(read)
  })

  it.each<[string, unknown]>([
    ['binary', entry({}, { isBinary: true, text: null })],
    ['truncated', entry({}, { isTruncated: true })],
    ['text that is not the blob’s bytes (not UTF-8)', entry({ oid: blobOid(Buffer.from([0x31, 0xe9, 0x0a])) })],
    ['an unknown entry type', entry({ type: 'other' })]
  ])('a file GraphQL cannot give exactly goes to REST: %s', (_, f1) => {
    expect(one(repoNode({ f0: entry(), f1 })).kind).toBe('rest')
  })

  it('NOT_FOUND on the repository goes to REST (which follows a rename and tells 404)', () => {
    const errors = [
      { type: 'NOT_FOUND', path: ['r0'], message: "Could not resolve to a Repository with the name 'acme/a'." }
    ]
    expect(one(null, errors)).toEqual({ kind: 'rest', why: 'not found through GraphQL' })
  })

  it('an error on one repository sends that one to REST, and the others stay answered', () => {
    const answer = {
      data: { r0: null, r1: repoNode({ f0: entry(), f1: entry() }, { nameWithOwner: 'acme/b' }) },
      errors: [{ type: 'FORBIDDEN', path: ['r0', 'at'], message: 'Resource not accessible by integration' }]
    }
    const items = parseBatch(answer, ASKS, SHAPE)
    expect(items.map((i) => i.kind)).toEqual(['rest', 'found'])
    expect(items[0]).toEqual({ kind: 'rest', why: 'Resource not accessible by integration' })
  })

  it('a missing branch is a null tip and absent files; an empty repository reads as GitHub’s contents API does', () => {
    const missing = one(repoNode({}, { at: null }))
    expect(missing.kind === 'found' && missing.facts.at).toEqual({
      tip: null,
      files: new Map(SHAPE.paths.map((p) => [p, { kind: 'absent' }]))
    })
    const empty = one(repoNode({}, { isEmpty: true, at: null, defaultBranchRef: null }))
    expect(empty.kind === 'found' && [empty.facts.repo.empty, [...empty.facts.at.files.values()]]).toEqual([
      true,
      [{ kind: 'empty-repository' }, { kind: 'empty-repository' }]
    ])
  })

  it.each<[string, unknown]>([
    [
      'a rate limit (200 with RATE_LIMITED)',
      { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] }
    ],
    ['a rate limit said as RATE_LIMIT', { data: null, errors: [{ type: 'RATE_LIMIT', message: 'already exceeded' }] }],
    ['a refused query (no data)', { errors: [{ message: 'Field x does not exist' }] }],
    ['not an object', 'oops']
  ])('%s: the whole batch goes to REST', (_, answer) => {
    expect(() => parseBatch(answer, ASKS, SHAPE)).toThrow(BatchAnswerError)
    expect(() => parseBatch(answer, ASKS, SHAPE)).not.toThrow(BatchTimeoutError)
  })

  it("GitHub's deadline said in a 200 (docs, Timeouts): the batch is split, not sent to REST", () => {
    const answer = { data: null, errors: [{ message: "We couldn't respond to your request in time" }] }
    expect(() => parseBatch(answer, ASKS, SHAPE)).toThrow(BatchTimeoutError)
  })

  it.each<[string, unknown, string[] | undefined]>([
    [
      'all of them',
      { totalCount: 2, nodes: [{ oid: 'a'.repeat(40) }, { oid: 'b'.repeat(40) }] },
      ['a'.repeat(40), 'b'.repeat(40)]
    ],
    ['fewer than there are (an octopus): left to REST', { totalCount: 7, nodes: [{ oid: 'a'.repeat(40) }] }, undefined],
    ['none asked', undefined, undefined]
  ])('the tip’s parents: %s', (_, parents, expected) => {
    const node = repoNode({ f0: entry(), f1: entry() })
    const item = one({ ...node, at: { ...node.at, target: { ...node.at.target, parents } } })
    expect(item.kind === 'found' && item.facts.at.tip?.parents).toEqual(expected)
  })

  it('a branch whose target is not a commit, or a repository the answer does not name, goes to REST', () => {
    expect(one(repoNode({}, { at: { name: 'main', target: {} } })).kind).toBe('rest')
    expect(one(repoNode({ f0: entry(), f1: entry() }, { nameWithOwner: '' })).kind).toBe('rest')
  })
})

// The action's estimate of a query's cost (for a query GitHub cut, which says none) against
// GitHub's documented score, computed from the query itself as the test forge charges it.
describe('the cost of a look-up query', () => {
  it.each<[string, number, BatchShape]>([
    ['one repository', 1, SHAPE],
    ['a hundred, the default branch', 100, SHAPE],
    ['a hundred, with the bump branch', 100, { ...SHAPE, bump: 'bump/runtime-1.2.3' }],
    ['149 with the bump branch (298 requests: 3 points)', 149, { ...SHAPE, bump: 'bump/runtime-1.2.3' }],
    ['twenty with a branch input', 20, { ...SHAPE, branch: 'release' }]
  ])('%s: estimated as scored', (_, n, shape) => {
    const asks = Array.from({ length: n }, (_, i) => ({ owner: 'acme', repo: `r${i}` }))
    const { query, variables } = batchQuery(asks, shape)
    expect(queryCost(n, shape)).toBe(queryScore(parse(query), variables))
  })

  it("the test forge's score is GitHub's worked example: 1 + 100 + 5,000 requests, 51 points", () => {
    const example =
      'query { viewer { login repositories(first: 100) { edges { node { id issues(first: 50) { edges { node { id ' +
      'labels(first: 60) { edges { node { id name } } } } } } } } } } }'
    expect(queryScore(parse(example), {})).toBe(51)
  })

  it('the cost an answer says, and none from an answer that says none', () => {
    expect(answerCost({ data: { r0: null, rateLimit: { cost: 2 } } })).toBe(2)
    expect(answerCost({ data: null, errors: [{ message: 'cut' }] })).toBeUndefined()
  })
})
