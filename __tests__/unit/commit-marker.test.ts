import { markedMessage, markedVersion } from '../../src/shared/commit-marker.js'

describe('the commit trailer', () => {
  it.each([
    ['chore: pin runtime to 1.2.3', 'chore: pin runtime to 1.2.3\n\nRuntime-Cascade-Version: 1.2.3\n'],
    [
      'build: runtime 1.2.3\n\nRefs: release\n\n',
      'build: runtime 1.2.3\n\nRefs: release\n\nRuntime-Cascade-Version: 1.2.3\n'
    ]
  ])('%j ends in the trailer, as its own paragraph', (message, marked) => {
    expect(markedMessage(message, '1.2.3')).toBe(marked)
  })

  it.each([
    ['x\n\nRuntime-Cascade-Version: 1.2.3\n', '1.2.3'],
    ['x\n\nRuntime-Cascade-Version: 2.0.0-rc.1', '2.0.0-rc.1'],
    ['fix: mine', null],
    ['quoting "Runtime-Cascade-Version: 1.2.3" inline', null],
    [undefined, null]
  ])('%j names %j', (message, version) => {
    expect(markedVersion(message)).toBe(version)
  })
})
