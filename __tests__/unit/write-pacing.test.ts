import { WriteBudget, PER_MINUTE } from '../../src/forge/write-budget.js'
import { WritePacing } from '../../src/landing/write-pacing.js'
import { RateLimitStopError } from '../../src/shared/run-control.js'

/** How writes meet GitHub's content-creation budget, per transport. */
describe('WritePacing', () => {
  const spent = () => {
    const budget = new WriteBudget(() => true)
    for (let i = 0; i < PER_MINUTE; i++) budget.take(1)
    return budget
  }
  const signal = new AbortController().signal

  it('no budget (Gitea, GHES without limits): every write goes at once', async () => {
    const pacing = new WritePacing(new WriteBudget(() => false), 'api', 300, signal)
    for (let i = 0; i < 200; i++) expect(await pacing.pin(1, () => {})).toBe('ok')
  })

  it('under auto, a spent budget hands the pin to git at once (it does not wait)', async () => {
    const pacing = new WritePacing(spent(), 'auto', 300, signal)
    const log: string[] = []
    expect(await pacing.pin(1, (l) => log.push(l))).toBe('spent')
    expect(await pacing.pin(1, (l) => log.push(l))).toBe('spent')
  })

  it('under api, a wait past rate-limit-wait stops the run, saying when the budget returns', async () => {
    const pacing = new WritePacing(spent(), 'api', 5, signal)
    await expect(pacing.pin(1, () => {})).rejects.toBeInstanceOf(RateLimitStopError)
    await expect(pacing.room(1, () => {})).rejects.toThrow(/GitHub's limit on content-creating requests/)
  })

  it('a cancel ends a wait for room at once', async () => {
    const cancel = new AbortController()
    const budget = new WriteBudget(() => true)
    for (let i = 0; i < PER_MINUTE; i++) budget.take(1, Date.now() - 59_000)
    const pacing = new WritePacing(budget, 'api', 300, cancel.signal)
    const log: string[] = []
    const waiting = pacing.room(1, (l) => log.push(l))
    cancel.abort()
    await waiting
    expect(log).toEqual([expect.stringMatching(/^GitHub's content-creation budget is spent: waiting/)])
  })
})
