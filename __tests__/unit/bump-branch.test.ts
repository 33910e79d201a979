import { bumpRule } from '../../src/landing/bump-branch.js'

// Pull-request mode's rules for a bump branch that exists, from what its tip says (an absent one is cut).
const OURS = 'chore: pin runtime to 1.2.3\n\nRuntime-Cascade-Version: 1.2.3\n'

describe('bumpRule', () => {
  it.each([
    ['ours (the trailer), whoever authored it: update without force', { sha: 'a1', message: OURS }, false, 'update'],
    [
      'ours for another version (a rolling branch): update',
      { sha: 'a1', message: 'x\n\nRuntime-Cascade-Version: 1.0.0' },
      false,
      'update'
    ],
    ['someone else’s, holding the pin: kept as it is', { sha: 'b2', message: 'fix: mine' }, true, 'keep'],
    [
      'someone else’s, not holding the pin: refused, asking to merge or delete it',
      { sha: 'b2', message: 'fix: mine' },
      false,
      'refuse'
    ],
    [
      'a trailer quoted in the body is not ours',
      { sha: 'b2', message: 'see "Runtime-Cascade-Version: 1.2.3"' },
      false,
      'refuse'
    ]
  ])('%s', async (_what, tip, holds, kind) => {
    const decision = await bumpRule({ branch: 'bump/runtime-1.2.3', tip, holdsPin: () => holds }, '1.2.3')
    expect(decision.kind).toBe(kind)
  })
})
