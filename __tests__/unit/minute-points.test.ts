import { costOf, GITHUB_CONCURRENT, MinutePoints, REST_POINTS_PER_MINUTE } from '../../src/forge/minute-points.js'
import { RateGate } from '../../src/forge/rate-limit.js'

// GitHub's documented secondary limits, kept by the client (docs, About secondary rate limits).
describe('what a request costs', () => {
  it.each<[string, string, unknown, ReturnType<typeof costOf>]>([
    ['GET', '/repos/o/r', undefined, { pool: 'rest', points: 1 }],
    ['HEAD', '/repos/o/r', undefined, { pool: 'rest', points: 1 }],
    ['PUT', '/repos/o/r/contents/x', {}, { pool: 'rest', points: 5 }],
    ['POST', '/repos/o/r/pulls', {}, { pool: 'rest', points: 5 }],
    ['DELETE', '/repos/o/r/git/refs/heads/x', undefined, { pool: 'rest', points: 5 }],
    ['POST', '/graphql', { query: 'query L { viewer { login } }' }, { pool: 'graphql', points: 1 }],
    ['POST', '/graphql', { query: ' mutation M { x }' }, { pool: 'graphql', points: 5 }]
  ])('%s %s', (method, path, body, cost) => {
    expect(costOf(method, path, body)).toEqual(cost)
  })
})

describe('points a minute, sliding', () => {
  const T = 1_000_000

  it('takes what fits, then says when the oldest points leave the minute', () => {
    const minute = new MinutePoints(10)
    expect(minute.take(5, T)).toBe(0)
    expect(minute.take(5, T + 1000)).toBe(0)
    // Full: one more point fits once the first five are a minute old.
    expect(minute.take(1, T + 2000)).toBe(58_000)
    expect(minute.take(1, T + 60_000)).toBe(0)
    // Five writes wait for the second batch of five to leave too.
    expect(minute.take(5, T + 60_000)).toBe(1000)
  })

  it('a cap of a minute is never passed, whatever is asked, and a request never waits forever', () => {
    const minute = new MinutePoints(REST_POINTS_PER_MINUTE)
    const sent: number[] = []
    let now = T
    for (let i = 0; i < 3000; i++) {
      const points = i % 7 === 0 ? 5 : 1
      let wait = minute.take(points, now)
      for (let tries = 0; wait > 0 && tries < 10; tries++) {
        now += wait
        wait = minute.take(points, now)
      }
      expect(wait).toBe(0)
      for (let p = 0; p < points; p++) sent.push(now)
      now += 10
    }
    const most = Math.max(...sent.map((t) => sent.filter((s) => s > t - 60_000 && s <= t).length))
    expect(most).toBeLessThanOrEqual(REST_POINTS_PER_MINUTE)
  })

  it('a request bigger than the cap goes alone once the minute is empty', () => {
    const minute = new MinutePoints(3)
    expect(minute.take(5, T)).toBe(0)
    expect(minute.take(1, T + 1)).toBe(59_999)
  })

  // GraphQL's share of GitHub's CPU-time limit, estimated from response times (look-ahead.ts):
  // the time is known once the answer came, and the next query waits while the minute is full.
  it('time spent after the fact holds the next query until the minute has room', () => {
    const answers = new MinutePoints(45_000)
    answers.spend(30_000, T)
    expect(answers.take(0, T + 1_000)).toBe(0)
    answers.spend(20_000, T + 11_000)
    expect(answers.take(0, T + 12_000)).toBe(48_000)
    expect(answers.take(0, T + 60_000)).toBe(0)
  })
})

describe('the gate on GitHub', () => {
  it('lets at most GITHUB_CONCURRENT requests be in flight, and more on a forge that limits nothing', async () => {
    const gate = new RateGate()
    const cost = { pool: 'rest' as const, points: 1 }
    let entered = 0
    const waiting = Array.from({ length: GITHUB_CONCURRENT + 5 }, () =>
      gate.enter(undefined, cost).then(() => entered++)
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(entered).toBe(GITHUB_CONCURRENT)
    for (let i = 0; i < 5; i++) gate.leave()
    await Promise.all(waiting)
    expect(entered).toBe(GITHUB_CONCURRENT + 5)
    const open = new RateGate()
    await Promise.all(Array.from({ length: 200 }, () => open.enter()))
  })
})
