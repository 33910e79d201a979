import type { FileRead } from '../../src/forge/forge-shapes.js'
import { parsePins } from '../../src/inputs/pins-input.js'
import { readFilePins } from '../../src/pins/file-pins.js'
import { judgePins, type Verdict } from '../../src/pins/pin-judgement.js'
import { drift } from '../../src/pipeline/drift.js'

const file = (text: string | Buffer): FileRead => ({
  kind: 'file',
  sha: 'b'.repeat(40),
  bytes: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')
})
const reads = (files: Record<string, string | FileRead>) =>
  new Map(Object.entries(files).map(([p, f]) => [p, typeof f === 'string' ? file(f) : f]))

describe('one file under its pins: what it reads and what it becomes', () => {
  const rewrite = (pins: string, text: string | Buffer, version = '1.2.3') => {
    const parsed = parsePins(pins)
    const out = readFilePins(parsed[0].path, parsed, file(text), version)
    return out.kind === 'read' ? [out.values.map((v) => v.reading), out.next?.toString('utf8') ?? null] : out
  }

  it.each([
    ['r: x==', 'x==0.1.0\n', [['0.1.0'], 'x==1.2.3\n']],
    ['r: x==', 'a\nx==0.1.0 # c\nx==0.1.0', [['0.1.0', '0.1.0'], 'a\nx==1.2.3 # c\nx==1.2.3']],
    ['r: x==', 'x==0.1.0\r\ny\r\n', [['0.1.0'], 'x==1.2.3\r\ny\r\n']],
    ['r: x==', 'x==1.2.3\n', [['1.2.3'], null]],
    // Only a version after the prefix: a quote ends it; other-x== is matched too (a prefix is literal).
    ['r: x==', '"x==0.1.0"\n', [['0.1.0'], '"x==1.2.3"\n']],
    ['r: /^V=(?<version>\\S*)$/', 'V=\nW=1\n', [[''], 'V=1.2.3\nW=1\n']],
    ['r: a=\nr: b=', 'a=1 b=2\n', [['1', '2'], 'a=1.2.3 b=1.2.3\n']]
  ])('%j on %j', (pins, text, expected) => {
    expect(rewrite(pins, text)).toEqual(expected)
  })

  it.each([
    ['r: x==', 'y==1\n', { kind: 'fail', reason: '"r: x==" matches nothing in r' }],
    ['r: x== (optional)', 'y==1\n', { kind: 'ignored' }],
    [
      'r: x==',
      Buffer.from([0x78, 0x3d, 0x3d, 0xff, 0x0a]),
      { kind: 'fail', reason: 'r is not UTF-8 text: its pins cannot be rewritten safely' }
    ]
  ])('%j on %j', (pins, text, expected) => {
    expect(rewrite(pins, text)).toEqual(expected)
  })

  it('a missing file: a whole-file pin creates it, a pattern fails, an optional pattern is left out', () => {
    const absent: FileRead = { kind: 'absent' }
    expect(readFilePins('v', parsePins('v'), absent, '1.2.3')).toMatchObject({ kind: 'read', values: [], sha: null })
    expect(readFilePins('r', parsePins('r: x='), absent, '1.2.3')).toEqual({
      kind: 'fail',
      reason: 'r not found (pin "r: x=")'
    })
    expect(readFilePins('r', parsePins('r: x= (optional)'), absent, '1.2.3')).toEqual({ kind: 'ignored' })
  })
})

describe('the judgement of every pin of a template', () => {
  const PINS = parsePins('.runtime-version\nrequirements.txt: my-runtime==')
  const judge = (
    files: Record<string, string | FileRead>,
    downgrade: 'allow' | 'skip' | 'fail' = 'allow',
    version = '1.2.3',
    allowPrefixChange = false
  ): Verdict => judgePins(reads(files), { version, pins: PINS, downgrade, allowPrefixChange })
  const summary = (v: Verdict) =>
    v.kind === 'write' ? ['write', v.changes.map((c) => `${c.path}<-${c.was}`).join(' '), v.note ?? ''] : v

  it.each<[string, Record<string, string | FileRead>, 'allow' | 'skip' | 'fail', unknown]>([
    [
      'every pin reads V',
      { '.runtime-version': '1.2.3\n', 'requirements.txt': 'my-runtime==1.2.3\n' },
      'allow',
      { kind: 'pinned' }
    ],
    [
      'one lags: only it changes',
      { '.runtime-version': '1.2.3\n', 'requirements.txt': 'my-runtime==0.1.0\n' },
      'allow',
      ['write', 'requirements.txt<-0.1.0', '']
    ],
    [
      'the version file is absent: created',
      { 'requirements.txt': 'my-runtime==0.1.0\n' },
      'allow',
      ['write', '.runtime-version<-null requirements.txt<-0.1.0', '']
    ],
    [
      'a newer pin anywhere, skip',
      { '.runtime-version': '0.1.0\n', 'requirements.txt': 'my-runtime==2.0.0\n' },
      'skip',
      { kind: 'skip', reason: 'pins 2.0.0, newer than 1.2.3 (downgrade: skip)', newer: '2.0.0' }
    ],
    [
      'a newer pin anywhere, fail',
      { '.runtime-version': '2.0.0\n', 'requirements.txt': 'my-runtime==0.1.0\n' },
      'fail',
      { kind: 'fail', reason: 'pins 2.0.0, newer than 1.2.3 (downgrade: fail)', failure: 'downgrade' }
    ],
    [
      'a newer pin, allow: written, said',
      { '.runtime-version': '2.0.0\n', 'requirements.txt': 'my-runtime==1.2.3\n' },
      'allow',
      ['write', '.runtime-version<-2.0.0', 'a downgrade from 2.0.0']
    ],
    [
      'not comparable: written, said',
      { '.runtime-version': 'latest\n', 'requirements.txt': 'my-runtime==1.2.3\n' },
      'allow',
      ['write', '.runtime-version<-latest', 'versions could not be compared (latest → 1.2.3)']
    ],
    [
      'a directory where the version file should be',
      { '.runtime-version': { kind: 'other', sha: '', type: 'dir' }, 'requirements.txt': 'my-runtime==1.2.3\n' },
      'allow',
      { kind: 'fail', reason: '.runtime-version is not a regular file (dir)' }
    ],
    [
      'an empty repository',
      { '.runtime-version': { kind: 'empty-repository' } },
      'allow',
      { kind: 'skip', reason: 'empty repository (no branch to pin)' }
    ],
    [
      'the pattern file is missing',
      { '.runtime-version': '0.1.0\n' },
      'allow',
      { kind: 'fail', reason: 'requirements.txt not found (pin "requirements.txt: my-runtime==")' }
    ]
  ])('%s', (_, files, downgrade, expected) => {
    expect(summary(judge(files, downgrade))).toEqual(expected)
  })

  it.each<[string, Record<string, string>, string, boolean, unknown]>([
    [
      'v over bare pins: fails, naming the value to pass',
      { '.runtime-version': '0.1.9\n', 'requirements.txt': 'my-runtime==0.1.9\n' },
      'v0.1.10',
      false,
      {
        kind: 'fail',
        reason:
          'pins 0.1.9, without the "v" that version v0.1.10 has: pass version 0.1.10 to keep the pins\' spelling, or set allow-prefix-change: true to write v0.1.10',
        failure: 'version-prefix'
      }
    ],
    [
      'bare over v pins: fails the other way',
      { '.runtime-version': 'v0.1.9\n', 'requirements.txt': 'my-runtime==v0.1.9\n' },
      '0.1.10',
      false,
      {
        kind: 'fail',
        reason:
          'pins v0.1.9, with the "v" that version 0.1.10 lacks: pass version v0.1.10 to keep the pins\' spelling, or set allow-prefix-change: true to write 0.1.10',
        failure: 'version-prefix'
      }
    ],
    [
      'one pin of two differs: still fails',
      { '.runtime-version': 'v0.1.9\n', 'requirements.txt': 'my-runtime==0.1.9\n' },
      'v0.1.10',
      false,
      expect.objectContaining({ kind: 'fail', failure: 'version-prefix' })
    ],
    [
      'allow-prefix-change: written',
      { '.runtime-version': '0.1.9\n', 'requirements.txt': 'my-runtime==0.1.9\n' },
      'v0.1.10',
      true,
      ['write', '.runtime-version<-0.1.9 requirements.txt<-0.1.9', '']
    ],
    [
      'the same prefix: written',
      { '.runtime-version': 'v0.1.9\n', 'requirements.txt': 'my-runtime==v0.1.9\n' },
      'v0.1.10',
      false,
      ['write', '.runtime-version<-v0.1.9 requirements.txt<-v0.1.9', '']
    ],
    [
      'a file to create reads no prefix: written',
      { 'requirements.txt': 'my-runtime==v0.1.9\n' },
      'v0.1.10',
      false,
      ['write', '.runtime-version<-null requirements.txt<-v0.1.9', '']
    ],
    [
      'already pinned in the other spelling is still a change, and still refused',
      { '.runtime-version': '0.1.10\n', 'requirements.txt': 'my-runtime==0.1.10\n' },
      'v0.1.10',
      false,
      expect.objectContaining({ kind: 'fail', failure: 'version-prefix' })
    ]
  ])('the v prefix: %s', (_, files, version, allow, expected) => {
    expect(summary(judge(files, 'allow', version, allow))).toEqual(expected)
  })

  it('a BOM is not pinned: the template reads it as part of the version', () => {
    expect(judge({ '.runtime-version': '\ufeff1.2.3\n', 'requirements.txt': 'my-runtime==1.2.3\n' }).kind).toBe('write')
  })
})

describe('check mode: which pins lag, in the template’s reading', () => {
  it.each([
    [
      '.runtime-version',
      { '.runtime-version': '0.1.0\n' },
      { status: 'lagging', reason: 'pins 0.1.0, older than 1.2.3' }
    ],
    ['.runtime-version', {}, { status: 'lagging', reason: 'no .runtime-version' }],
    [
      '.runtime-version',
      { '.runtime-version': '2.0.0\n' },
      { status: 'lagging', reason: 'pins 2.0.0, newer than 1.2.3' }
    ],
    [
      '.runtime-version\nr: x==',
      { '.runtime-version': '1.2.3\n', r: 'x==1.2.3\nx==0.9\n' },
      { status: 'lagging', reason: 'r pins 0.9, older than 1.2.3' }
    ],
    [
      '.runtime-version\nr: x==',
      { '.runtime-version': '1.2.3\n', r: 'x==1.2.3\n' },
      { status: 'current', reason: 'pins 1.2.3' }
    ],
    ['r: x==', { r: 'y\n' }, { status: 'failed', reason: '"r: x==" matches nothing in r' }]
  ])('%j with %j', (pins, files, expected) => {
    expect(drift(reads(files), { version: '1.2.3', pins: parsePins(pins) })).toEqual(expected)
  })
})
