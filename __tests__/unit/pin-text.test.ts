import { describePin, isPinned, templateReading } from '../../src/pins/pin-text.js'

// The pin as a template reads it: `head -n1 .runtime-version | tr -d '[:space:]'`, on bytes.
describe('the whole-file pin, as templates read it', () => {
  it.each([
    ['1.2.3\n', '1.2.3', true, '1.2.3'],
    ['1.2.3', '1.2.3', true, '1.2.3'],
    [' 1.2.3 \r\n', '1.2.3', true, '1.2.3'],
    ['1.2.3\n0.1.0\n', '1.2.3', true, '1.2.3'],
    ['1 . 2 . 3\n', '1.2.3', true, '1.2.3'],
    // A byte-order mark is not [:space:] to tr: the template reads it as part of the version.
    ['\ufeff1.2.3\n', '\ufeff1.2.3', false, '"\\ufeff1.2.3"'],
    ['\n1.2.3\n', '', false, 'empty'],
    ['v1.2.3\n', 'v1.2.3', false, 'v1.2.3']
  ])('%j reads %j (pinned to 1.2.3: %s, shown %s)', (text, reading, pinned, shown) => {
    const bytes = Buffer.from(text, 'utf8')
    expect([templateReading(bytes).toString('utf8'), isPinned(bytes, '1.2.3'), describePin(bytes)]).toEqual([
      reading,
      pinned,
      shown
    ])
  })
})
