import { RetryGroup } from '../../src/forge/retry-group.js'
import { backoffDelay, parseRetryAfter, sleep } from '../../src/shared/retry-policy.js'

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

describe('sleep', () => {
  it('ends early, saying so, when the run is cancelled', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const waited = sleep(10_000, controller.signal)
    setTimeout(() => controller.abort(), 20)
    expect(await waited).toBe(false)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

/** A request of the group: fails `failures` times, then answers; counts what it sent. */
function member(group: RetryGroup, failures: number, attempts = 4): { sent: () => number; run: Promise<boolean> } {
  let sent = 0
  const me = {}
  group.join(me)
  const run = (async () => {
    for (let tries = 1; ; tries++) {
      sent++
      if (sent > failures) {
        group.settle(me, true)
        return true
      }
      if (tries >= attempts || !(await group.retry(me, async () => true))) {
        group.settle(me, false)
        return false
      }
    }
  })()
  return { sent: () => sent, run }
}

describe('RetryGroup', () => {
  it('a persistent fault costs the round plus the retries, not every request four tries', async () => {
    const group = new RetryGroup(3)
    const members = Array.from({ length: 5 }, () => member(group, Infinity))
    expect(await Promise.all(members.map((m) => m.run))).toEqual([false, false, false, false, false])
    expect(members.reduce((sum, m) => sum + m.sent(), 0)).toBe(8)
  })

  it('a blip that hit every request recovers: the canary answers, the rest go again', async () => {
    const group = new RetryGroup(3)
    const members = Array.from({ length: 5 }, () => member(group, 1))
    expect(await Promise.all(members.map((m) => m.run))).toEqual([true, true, true, true, true])
    expect(members.reduce((sum, m) => sum + m.sent(), 0)).toBe(10)
  })

  it('the earliest request sent is the canary, whichever failed first', async () => {
    const group = new RetryGroup(3)
    const order: string[] = []
    const lookup = {}
    const probe = {}
    group.join(lookup)
    group.join(probe)
    const wait = async () => true
    const probeRetry = group.retry(probe, wait).then((go) => order.push(`probe ${go}`))
    const lookupRetry = group.retry(lookup, wait).then((go) => {
      order.push(`lookup ${go}`)
      group.settle(lookup, true)
    })
    await Promise.all([probeRetry, lookupRetry])
    expect(order).toEqual(['lookup true', 'probe true'])
  })

  it('alone, it is plain bounded retry', async () => {
    const alone = member(new RetryGroup(3), Infinity)
    expect(await alone.run).toBe(false)
    expect(alone.sent()).toBe(4)
  })
})
