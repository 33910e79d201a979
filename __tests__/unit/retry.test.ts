import { backoffDelay, parseRetryAfter, withRetry } from '../../src/retry.js'

const policy = { attempts: 4, baseDelayMs: 1000, maxRetryAfterMs: 30000 }

describe('backoffDelay', () => {
  it('doubles from the base: about 1 s, 2 s, 4 s', () => {
    const middle = () => 0.5
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, undefined, middle))).toEqual([1000, 2000, 4000])
  })

  it('jitters within ±20 %', () => {
    expect(backoffDelay(policy, 2, undefined, () => 0)).toBe(1600)
    expect(backoffDelay(policy, 2, undefined, () => 0.999999)).toBe(2400)
  })

  it('honours Retry-After, capped', () => {
    expect(backoffDelay(policy, 1, 7000, () => 0.5)).toBe(7000)
    expect(backoffDelay(policy, 1, 3_600_000, () => 0.5)).toBe(30000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})

describe('withRetry', () => {
  const fast = { attempts: 3, baseDelayMs: 1, maxRetryAfterMs: 10 }

  it('retries transient errors and stops at the bound', async () => {
    let calls = 0
    const retries: number[] = []
    await expect(
      withRetry(
        fast,
        async () => {
          calls++
          throw new Error('503')
        },
        () => ({ retry: true }),
        (_e, _d, n) => retries.push(n)
      )
    ).rejects.toThrow('503')
    expect(calls).toBe(3)
    expect(retries).toEqual([1, 2])
  })

  it('never retries what classify calls permanent', async () => {
    let calls = 0
    await expect(
      withRetry(
        fast,
        async () => {
          calls++
          throw new Error('404')
        },
        () => ({ retry: false })
      )
    ).rejects.toThrow('404')
    expect(calls).toBe(1)
  })

  it('returns the first success', async () => {
    let calls = 0
    const value = await withRetry(
      fast,
      async () => {
        if (++calls < 2) throw new Error('reset')
        return 'ok'
      },
      () => ({ retry: true })
    )
    expect([value, calls]).toEqual(['ok', 2])
  })
})
