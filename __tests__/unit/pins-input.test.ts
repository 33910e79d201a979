import { parsePins } from '../../src/inputs/pins-input.js'
import { readInputs } from '../../src/inputs/read-inputs.js'

/** The `pins` input: each line's form, and every line that must be refused before any request. */
const shape = (text: string) =>
  parsePins(text).map((p) =>
    p.kind === 'file' ? ['file', p.path] : ['pattern', p.path, p.regex.source, p.optional ? 'optional' : 'required']
  )

describe('pins: the forms of a line', () => {
  it.each([
    ['.runtime-version', [['file', '.runtime-version']]],
    ['sub/dir/version', [['file', 'sub/dir/version']]],
    [
      'requirements.txt: my-runtime==',
      [['pattern', 'requirements.txt', 'my-runtime==(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)', 'required']]
    ],
    // Regular-expression characters in a prefix are literal.
    [
      'Dockerfile: ARG V=(x).',
      [['pattern', 'Dockerfile', 'ARG V=\\(x\\)\\.(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)', 'required']]
    ],
    [
      'pyproject.toml: /"my-runtime==(?<version>[^"]+)"/',
      [['pattern', 'pyproject.toml', '"my-runtime==(?<version>[^"]+)"', 'required']]
    ],
    [
      'Dockerfile: ARG V= (optional)',
      [['pattern', 'Dockerfile', 'ARG V=(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)', 'optional']]
    ],
    ['# a comment\n\n.runtime-version\r\n', [['file', '.runtime-version']]],
    [
      'a: x=\na: y=',
      [
        ['pattern', 'a', 'x=(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)', 'required'],
        ['pattern', 'a', 'y=(?<version>[0-9A-Za-z][0-9A-Za-z.+_-]*)', 'required']
      ]
    ]
  ])('%j', (text, expected) => {
    expect(shape(text)).toEqual(expected)
  })
})

describe('pins: refused, naming the line', () => {
  it.each([
    ['../outside', /not a relative file path/],
    ['/etc/passwd: x=', /not a relative file path/],
    ['.git/config: x=', /not a relative file path/],
    ['a/../b', /not a relative file path/],
    ['Dockerfile: /ARG V=(\\S+)/', /needs a named group \(\?<version>/],
    ['Dockerfile: /(?<version>[/', /not a regular expression/],
    // A forgotten prefix must not turn the Dockerfile into a whole-file pin.
    ['Dockerfile:  ', /has no prefix after the colon/],
    ['Dockerfile: ', /has no prefix after the colon/],
    ['.runtime-version (optional)', /only a pattern pin can be optional/],
    ['a\na', /listed twice/],
    ['a\na: x=', /pinned whole and by a pattern/]
  ])('%j', (text, message) => {
    expect(() => parsePins(text)).toThrow(message)
  })
})

describe('pins and version-file', () => {
  const read = (inputs: Record<string, string>) => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
    const all = {
      version: '1.2.3',
      templates: 'tpl',
      token: 't',
      owner: 'acme',
      'server-url': 'https://g.example',
      'api-url': 'https://g.example/api/v1',
      ...inputs
    }
    for (const [name, value] of Object.entries(all)) process.env[`INPUT_${name.toUpperCase()}`] = value
    return () => readInputs().settings
  }

  it.each([
    [{}, [{ kind: 'file', path: '.runtime-version' }]],
    [{ 'version-file': 'VERSION' }, [{ kind: 'file', path: 'VERSION' }]],
    [{ pins: 'VERSION' }, [{ kind: 'file', path: 'VERSION' }]]
  ])('%j pins %j', (inputs, pins) => {
    expect(read(inputs)().pins).toEqual(pins)
  })

  it.each([
    [{ pins: 'a', 'version-file': 'b' }, /pins and version-file are both set/],
    [{ pins: '# nothing\n' }, /pins: no pin listed/],
    [{ 'commit-signing': 'require', transport: 'git' }, /commit-signing: require cannot hold with transport: git/],
    [{ 'commit-signing': 'always' }, /commit-signing: "always" is not one of auto, require, off/]
  ])('%j is refused', (inputs, message) => {
    expect(read(inputs)).toThrow(message)
  })
})
