import { FACTS, type Flavour } from '../../test-support/forge/flavours.js'
import { ENABLE_AUTO_MERGE } from '../../src/forge/pulls-api.js'
import { checkExchanges, type Exchange } from '../../test-support/spec-check/check.js'

// The spec check itself: each kind of difference from the forge's description is found.
const exchange = (x: Partial<Exchange> & Pick<Exchange, 'method' | 'path' | 'status'>): Exchange => ({
  query: new URLSearchParams(),
  body: undefined,
  answer: undefined,
  ...x
})
const check = (flavour: Flavour, x: Exchange) => checkExchanges(flavour, FACTS[flavour], [x]).mismatches

const giteaRepo = {
  id: 1,
  full_name: 'acme/tpl',
  name: 'tpl',
  default_branch: 'main',
  archived: false,
  mirror: false,
  fork: false,
  empty: false,
  permissions: { admin: false, push: true, pull: true }
}

const withoutEmpty = Object.fromEntries(Object.entries(giteaRepo).filter(([key]) => key !== 'empty'))

describe('spec check', () => {
  it.each<[string, Flavour, Exchange, RegExp | null]>([
    [
      'a repository as Gitea 1.22 has it',
      'gitea-1.22',
      exchange({ method: 'GET', path: '/repos/acme/tpl', status: 200, answer: giteaRepo }),
      null
    ],
    [
      'topics on Gitea 1.22 (added in 1.23)',
      'gitea-1.22',
      exchange({ method: 'GET', path: '/repos/acme/tpl', status: 200, answer: { ...giteaRepo, topics: [] } }),
      /field "topics" is not in the description/
    ],
    [
      'topics on Gitea 1.23',
      'gitea-1.23',
      exchange({ method: 'GET', path: '/repos/acme/tpl', status: 200, answer: { ...giteaRepo, topics: [] } }),
      null
    ],
    [
      'a field of the wrong type',
      'gitea-1.25',
      exchange({ method: 'GET', path: '/repos/acme/tpl', status: 200, answer: { ...giteaRepo, archived: 'no' } }),
      /at \$\.archived: string where the description says boolean/
    ],
    [
      'a field the action reads, missing',
      'gitea-1.25',
      exchange({ method: 'GET', path: '/repos/acme/tpl', status: 200, answer: withoutEmpty }),
      /the answer lacks "empty", which the action reads/
    ],
    [
      'a query parameter the operation does not have (Gitea pages runs with limit)',
      'gitea-1.25',
      exchange({
        method: 'GET',
        path: '/repos/acme/tpl/actions/runs',
        query: new URLSearchParams({ per_page: '30' }),
        status: 200
      }),
      /query parameter "per_page" is not declared/
    ],
    [
      'a query parameter of the wrong type',
      'github',
      exchange({
        method: 'GET',
        path: '/orgs/acme/repos',
        query: new URLSearchParams({ per_page: 'many' }),
        status: 200
      }),
      /query parameter "per_page=many" is not integer/
    ],
    [
      'a request body field the operation does not take',
      'gitea-1.25',
      exchange({
        method: 'POST',
        path: '/repos/acme/tpl/branches',
        body: { new_branch_name: 'x', from: 'main' },
        status: 201
      }),
      /request body at \$: field "from" is not in the description/
    ],
    [
      'an undeclared status',
      'gitea-1.25',
      exchange({ method: 'GET', path: '/version', status: 418 }),
      /status 418 is not declared for GET \/version/
    ],
    [
      'a redirect for a renamed repository (allowed, with its source)',
      'gitea-1.25',
      exchange({ method: 'GET', path: '/repos/acme/old', status: 301 }),
      null
    ],
    [
      'Gitea 1.25 owner-only runs (allowed)',
      'gitea-1.25',
      exchange({ method: 'GET', path: '/repos/acme/tpl/actions/runs', status: 403 }),
      null
    ],
    [
      'a route the forge does not have, answered',
      'gitea-1.22',
      exchange({ method: 'GET', path: '/repos/acme/tpl/actions/runs', status: 200 }),
      /no such operation/
    ],
    [
      'a route the forge does not have, 404',
      'gitea-1.22',
      exchange({ method: 'GET', path: '/repos/acme/tpl/actions/runs', status: 404 }),
      null
    ]
  ])('%s', (_what, flavour, x, found) => {
    expect(check(flavour, x)).toEqual(found ? [expect.stringMatching(found)] : [])
  })
})

describe('GraphQL requests, against GitHub’s published schema', () => {
  const graphql = (query: string, variables: Record<string, unknown>) =>
    check(
      'github',
      exchange({ method: 'POST', path: '/graphql', status: 200, body: { query, variables }, answer: { data: null } })
    )

  it.each([
    ['the auto-merge mutation the action sends', ENABLE_AUTO_MERGE, { id: 'PR_1', method: 'SQUASH' }, null],
    ['a merge method GitHub does not have', ENABLE_AUTO_MERGE, { id: 'PR_1', method: 'FAST_FORWARD' }, /the variables/],
    [
      'a field the payload does not have',
      'mutation { enablePullRequestAutoMerge(input: { pullRequestId: "x" }) { merged } }',
      {},
      /the query/
    ],
    [
      'an argument the input does not take',
      'mutation { enablePullRequestAutoMerge(input: { pullRequestId: "x", force: true }) { clientMutationId } }',
      {},
      /the query/
    ]
  ])('%s', (_what, query, variables, found) => {
    expect(graphql(query, variables)).toEqual(found ? [expect.stringMatching(found)] : [])
  })
})
