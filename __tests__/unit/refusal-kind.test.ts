import { kindOfRefusal } from '../../src/landing/refusal-kind.js'

/** The kind of a refusal, from the forge's own words (forge-facts.md). */
describe('kindOfRefusal', () => {
  it.each([
    [
      'Gitea and Forgejo, API: branch protection',
      'write refused: HTTP 403: user cannot commit to repo [user: bot]',
      'protected-branch'
    ],
    [
      'GitHub, API',
      'write refused: HTTP 409: Could not update file: Changes must be made through a pull request.',
      'protected-branch'
    ],
    ['Gitea, a push', 'push refused: Not allowed to push to protected branch main', 'protected-branch'],
    ['GitHub, a push', 'push refused: GH006: Protected branch update failed for refs/heads/main.', 'protected-branch'],
    [
      'git 403 on a push',
      'the token lacks write access to this repository (the forge said: Permission denied)',
      'no-access'
    ],
    ['anything else', 'write refused: HTTP 422: Invalid request', 'other']
  ])('%s', (_what, reason, kind) => {
    expect(kindOfRefusal(reason)).toBe(kind)
  })
})
