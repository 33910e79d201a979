import { compareVersions } from '../../src/shared/version-order.js'

describe('compareVersions', () => {
  it.each([
    ['1.2.3', '1.2.4'],
    ['1.2.3', '1.10.0'],
    ['1.0.0-alpha', '1.0.0'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-rc.1', '1.0.0'],
    ['0.1.7', '0.1.10'],
    // PEP 440
    ['1.0.dev1', '1.0a1'],
    ['1.0a1', '1.0a2'],
    ['1.0a2', '1.0b1'],
    ['1.0b1', '1.0rc1'],
    ['1.0rc1', '1.0'],
    ['1.0', '1.0.post1'],
    ['1.0.post1', '1.1.dev0'],
    ['2024.10', '2024.11.1'],
    ['1!0.1', '2!0.0'],
    ['0.9', '1.0.0']
  ])('%s < %s', (low, high) => {
    expect(compareVersions(low, high)).toBe(-1)
    expect(compareVersions(high, low)).toBe(1)
  })

  it.each([
    ['1.2.3', '1.2.3'],
    ['1.0', '1.0.0'],
    ['1.0RC1', '1.0rc1'],
    ['1.0-alpha-1', '1.0a1'],
    ['v1.2.3', '1.2.3'],
    ['1.2.3+build.1', '1.2.3+build.2']
  ])('%s equals %s', (a, b) => {
    expect(compareVersions(a, b)).toBe(0)
  })

  it.each([
    ['main', '1.2.3'],
    ['1.2.3', 'nightly-2024'],
    ['latest', 'stable']
  ])('%s and %s cannot be compared', (a, b) => {
    expect(compareVersions(a, b)).toBeNull()
  })
})
