import { ApiError } from '../../src/forge/api-error.js'
import { branchExists, ForgeApi } from '../../src/forge/forge-api.js'
import type { ForgeClient, ForgeKind } from '../../src/forge/forge-client.js'

// What each forge's refusal means, from its own source (forge-facts.md).
const refusal = (status: number, text: string) => new ApiError(status, `HTTP ${status}: ${text}`, false, text)
const api = (kind: ForgeKind) => new ForgeApi({ kind } as unknown as ForgeClient)

describe('branchExists: only "it is there" reads as exists', () => {
  it.each<[ForgeKind, number, string, boolean]>([
    ['gitea', 409, 'The branch already exists.', true],
    ['gitea', 409, 'The branch with the same name already exists.', false],
    ['gitea', 409, 'The branch with the same tag already exists.', false],
    ['gitea', 404, 'The old branch does not exist', false],
    ['github', 422, 'Reference already exists', true],
    ['github', 422, 'Validation Failed', false],
    ['github', 409, 'Conflict', false]
  ])('%s %i %s → %s', (kind, status, text, exists) => {
    expect(branchExists(kind, refusal(status, text))).toBe(exists)
  })
})

describe('writeFailure: a failed contents write, per forge', () => {
  it.each<[ForgeKind, number, string, string]>([
    ['github', 409, '.runtime-version does not match 1a2b3c', 'stale'],
    ['github', 409, 'is at 1111111 but expected 2222222', 'stale'],
    ['github', 409, 'refs/heads/main expected to be at 1111111', 'stale'],
    ['github', 409, 'Could not update file: Changes must be made through a pull request.', 'refused'],
    ['github', 422, 'Invalid request.\n\n"sha" wasn\'t supplied.', 'stale'],
    ['github', 403, 'Resource not accessible by integration', 'no-access'],
    ['github', 404, 'Not Found', 'unsupported'],
    ['gitea', 422, 'sha does not match [given: a, expected: b]', 'stale'],
    ['gitea', 422, '[SHA]: Required', 'stale'],
    ['gitea', 404, 'object does not exist [id: , rel_path: .runtime-version]', 'stale'],
    ['gitea', 404, 'repository file does not exist [path: .runtime-version]', 'stale'],
    ['gitea', 404, 'branch does not exist [name: main]', 'refused'],
    ['gitea', 405, 'Method Not Allowed', 'unsupported'],
    ['gitea', 403, 'user cannot commit to repo [user: bot]', 'refused'],
    ['gitea', 403, 'user should have a permission to write to this branch', 'no-access'],
    ['gitea', 423, '<Repository 2:o/r> is archived', 'refused']
  ])('%s %i %s → %s', (kind, status, text, meaning) => {
    expect(api(kind).writeFailure(refusal(status, text))).toBe(meaning)
  })
})
