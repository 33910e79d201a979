import { ForgeHealth } from '../../src/forge/forge-health.js'
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

describe('ForgeHealth', () => {
  /** A template's look-up round: five requests out, `failing` of them failing at once. */
  const round = (health: ForgeHealth, subject: string, failing: number) => {
    for (let i = 0; i < 5; i++) health.sent(subject)
    for (let i = 0; i < failing; i++) health.failedTransiently(subject, 'HTTP 503', true)
  }

  it('a forge that fails every request of three templates is failing', () => {
    const health = new ForgeHealth()
    round(health, 't1', 5)
    round(health, 't2', 5)
    expect(health.failing).toBeNull() // two dark templates could be two broken repositories
    round(health, 't3', 2) // two failed, three still on their way: dark enough
    expect(health.failing).toEqual({ failure: 'HTTP 503', streak: 12 })
  })

  it('blips on templates whose other requests are still on their way are not, however long the streak', () => {
    const health = new ForgeHealth()
    round(health, 'down', 5)
    for (let retry = 0; retry < 3; retry++) health.failedTransiently('down', 'HTTP 503', false)
    round(health, 'burst', 1)
    round(health, 'reset', 1)
    round(health, 'probe', 1)
    for (let retry = 0; retry < 3; retry++) health.failedTransiently('probe', 'HTTP 500', false)
    expect(health.failing).toBeNull()
  })

  it('any answer resets the streak, and a template once answered is never dark', () => {
    const health = new ForgeHealth()
    round(health, 't1', 5)
    round(health, 't2', 5)
    round(health, 't3', 4)
    health.answered('t3', false)
    expect(health.failing).toBeNull()
    round(health, 't4', 5)
    round(health, 't5', 5)
    health.failedTransiently('t3', 'HTTP 503', true)
    expect(health.failing).toBeNull() // t3 was answered: only t4 and t5 are dark
    round(health, 't6', 5)
    expect(health.failing).not.toBeNull()
  })
})
