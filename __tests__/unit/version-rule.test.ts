import { checkVersion, versionShape } from '../../src/inputs/version-rule.js'

describe('what may be written as a version', () => {
  it.each(['1.2.3', '2024.10.1', '1.0.0rc1', '1.2.3+build.5', 'v1.2.3', '0.1.7', '1.0.0-rc.1', '2.0.0a1', 'v3'])(
    'takes %s, as teams publish them',
    (version) => {
      expect(checkVersion(version, null)).toBe(version)
    }
  )

  it.each([
    ['null', /what a tool prints for a missing value \(jq -r prints null\)/],
    ['None', /what a tool prints for a missing value/],
    ['undefined', /what a tool prints for a missing value/],
    ['latest', /starts with a digit, or v and a digit/],
    ['main', /starts with a digit, or v and a digit/],
    ['stable', /describe them with version-pattern/],
    ['', /use 1 to 128 characters/],
    ['1.2 3', /use 1 to 128 characters/],
    ['$(id)', /use 1 to 128 characters/],
    ['-1.0', /use 1 to 128 characters/],
    ['x'.repeat(129), /use 1 to 128 characters/]
  ])('refuses %j, naming the input and saying what a version looks like', (version, why) => {
    expect(() => checkVersion(version, null)).toThrow(/^version: /)
    expect(() => checkVersion(version, null)).toThrow(why)
  })

  it('a team with its own scheme says what its versions look like', () => {
    const shape = versionShape('jdk-\\d+(\\.\\d+)*')
    expect(checkVersion('jdk-17.0.2', shape)).toBe('jdk-17.0.2')
    expect(() => checkVersion('17.0.2', shape)).toThrow(
      'version: "17.0.2" does not match version-pattern (jdk-\\d+(\\.\\d+)*)'
    )
    // The pattern is the whole value: a match inside it is not enough.
    expect(() => checkVersion('jdk-17-nightly', shape)).toThrow(/does not match version-pattern/)
  })

  it('a pattern never lets through a missing value or an unsafe character', () => {
    const anything = versionShape('.*')
    expect(() => checkVersion('null', anything)).toThrow(/missing value/)
    expect(() => checkVersion('a b', anything)).toThrow(/use 1 to 128 characters/)
  })

  it('an empty version-pattern keeps the default; a broken one is an input error', () => {
    expect(versionShape('  ')).toBeNull()
    expect(() => versionShape('(')).toThrow(/^version-pattern: "\(" is not a regular expression/)
  })
})
