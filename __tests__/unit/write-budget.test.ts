import { GITHUB_WRITE_LIMIT } from '../../src/forge/forge-traits.js'
import { PER_HOUR, PER_MINUTE, WriteBudget } from '../../src/forge/write-budget.js'
import { RateLimitStopError } from '../../src/shared/run-control.js'

// GitHub's content-creation limit (80 a minute, 500 an hour), less a margin: PER_MINUTE, PER_HOUR.
const T0 = 1_000_000_000

describe('WriteBudget.take', () => {
  it('keeps a margin under GitHub’s 80 a minute and 500 an hour', () => {
    expect([PER_MINUTE < 80, PER_HOUR < 500]).toEqual([true, true])
  })

  it('never limits a forge that has no such budget (Gitea)', () => {
    const budget = new WriteBudget(() => null)
    expect(Array.from({ length: 1000 }, () => budget.take(1, T0).ok).every(Boolean)).toBe(true)
  })

  it.each([
    ['a full minute: the next waits for the first to leave the window', PER_MINUTE, 1, T0 + 1000, 59_000],
    ['three at once where two fit: wait for the oldest', PER_MINUTE - 2, 3, T0 + 30_000, 30_000],
    ['a minute later the window is empty again', PER_MINUTE, 1, T0 + 60_001, 0]
  ])('%s', (_what, spent, n, at, waitMs) => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    expect(Array.from({ length: spent }, () => budget.take(1, T0).ok).every(Boolean)).toBe(true)
    const taken = budget.take(n, at)
    expect(taken.ok ? 0 : taken.waitMs).toBe(waitMs)
  })

  it('a full hour: the wait is for the hour’s oldest write to leave it', () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    let left = PER_HOUR
    for (let minute = 0; left > 0; minute++) {
      const now = Math.min(PER_MINUTE, left)
      for (let i = 0; i < now; i++) budget.take(1, T0 + minute * 60_000)
      left -= now
    }
    const at = T0 + 10 * 60_000
    expect(budget.take(1, at)).toEqual({ ok: false, waitMs: 3_600_000 - 10 * 60_000 })
  })
})

describe('a shard of a job matrix takes its share of the token', () => {
  it('two shards: each keeps under half of the minute', () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT, 1 / 2)
    const taken = Array.from({ length: PER_MINUTE }, () => budget.take(1, T0).ok).filter(Boolean)
    expect(taken).toHaveLength(Math.floor(PER_MINUTE / 2))
    expect(budget.fits(1, T0)).toBe(false)
    expect(budget.fits(1, T0 + 60_001)).toBe(true)
  })
})

describe('WriteBudget.room: a request waits for room, bounded by rate-limit-wait', () => {
  it('past rate-limit-wait the run stops, saying when the budget returns', async () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    for (let i = 0; i < PER_MINUTE; i++) budget.take(1)
    await expect(budget.room(1, 5_000, undefined)).rejects.toBeInstanceOf(RateLimitStopError)
    await expect(budget.room(1, 5_000, undefined)).rejects.toThrow(
      /GitHub's limit on content-creating requests \(75 a minute/
    )
  })

  it('a cancel ends the wait at once', async () => {
    const budget = new WriteBudget(() => GITHUB_WRITE_LIMIT)
    for (let i = 0; i < PER_MINUTE; i++) budget.take(1, Date.now() - 59_000)
    const cancel = new AbortController()
    const log: string[] = []
    const waiting = budget.room(1, 300_000, cancel.signal, (l) => log.push(l))
    cancel.abort()
    await waiting
    expect(log).toEqual([expect.stringMatching(/^GitHub's content-creation budget is spent: waiting/)])
  })
})
