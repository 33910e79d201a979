import { GITHUB_WRITE_LIMIT } from '../../src/forge/forge-traits.js'
import { PER_MINUTE, WriteBudget } from '../../src/forge/write-budget.js'
import { WritePacing } from '../../src/landing/write-pacing.js'

/** Where a pin goes when GitHub's content-creation budget is spent, per transport. */
describe('WritePacing', () => {
  const spent = () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    for (let i = 0; i < PER_MINUTE; i++) budget.take(1)
    return budget
  }

  it('no budget (Gitea, GHES without limits): every pin through the API', async () => {
    const pacing = new WritePacing(new WriteBudget(() => null), 'auto')
    for (let i = 0; i < 200; i++) expect(await pacing.pin(1)).toBe('ok')
  })

  it('auto, the budget spent: the pin goes to git at once (it does not wait)', async () => {
    expect(await new WritePacing(spent(), 'auto').pin(1)).toBe('spent')
  })

  it('auto, three requests where two fit (a Git Data commit): git', async () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    for (let i = 0; i < PER_MINUTE - 2; i++) budget.take(1)
    expect(await new WritePacing(budget, 'auto').pin(3)).toBe('spent')
    expect(await new WritePacing(budget, 'auto').pin(2)).toBe('ok')
  })

  it('api: through the API, where the forge client waits for room', async () => {
    expect(await new WritePacing(spent(), 'api').pin(1)).toBe('ok')
  })
})
