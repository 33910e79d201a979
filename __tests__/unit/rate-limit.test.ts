import { rateLimitOf } from '../../src/forge/rate-limit.js'

// GitHub's rate limits from the answer alone (docs "Rate limits for the REST API"), at a fixed now.
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

describe('rateLimitOf', () => {
  it.each([
    ['a 200 is never a limit', 200, {}, '', null],
    [
      'a 403 that is not a limit (a permission)',
      403,
      { 'x-ratelimit-remaining': '12' },
      'Resource not accessible',
      null
    ],
    [
      'primary: remaining 0, until the reset',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': `${NOW / 1000 + 600}` },
      '',
      ['primary', 600]
    ],
    [
      'primary with Retry-After: that wins',
      429,
      { 'x-ratelimit-remaining': '0', 'retry-after': '30' },
      '',
      ['primary', 30]
    ],
    ['secondary with Retry-After', 403, { 'retry-after': '90' }, SECONDARY, ['secondary', 90]],
    ['secondary without Retry-After: one minute', 403, {}, SECONDARY, ['secondary', 60]],
    [
      'secondary with remaining 0: until the reset',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': `${NOW / 1000 + 120}` },
      SECONDARY,
      ['secondary', 120]
    ]
  ])('%s', (_what, status, headers, body, expected) => {
    const limited = rateLimitOf(status, headers, body, NOW)
    expect(limited && [limited.kind, (limited.until.getTime() - NOW) / 1000]).toEqual(expected)
  })
})
