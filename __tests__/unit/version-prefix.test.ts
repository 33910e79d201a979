import { result } from '../../src/pipeline/template-result.js'
import { versionPrefixWarning } from '../../src/report/version-prefix.js'

const pinned = (template: string, before?: string) =>
  result(template, 'updated', 'pinned', before === undefined ? {} : { pinnedBefore: before })

describe('versionPrefixWarning', () => {
  it.each<[string, string, Array<string | undefined>, RegExp | null]>([
    [
      'v over bare pins',
      'v1.2.3',
      ['1.2.2', '1.2.1'],
      /^version v1\.2\.3 has a "v" prefix, and the templates' pins did not \(acme\/t0 pinned 1\.2\.2, acme\/t1 pinned 1\.2\.1\): .* If they expect 1\.2\.3, pass that\.$/
    ],
    [
      'bare over v pins',
      '1.2.3',
      ['v1.2.3'],
      /^version 1\.2\.3 has no "v" prefix, and the templates' pins did \(acme\/t0 pinned v1\.2\.3\).* If they expect v1\.2\.3, pass that\.$/
    ],
    ['alike: bare', '1.2.3', ['1.2.2', undefined], null],
    ['alike: v', 'v1.2.3', ['v1.2.2'], null],
    ['no pins before', 'v1.2.3', [undefined], null],
    ['a pin that is no version', 'v1.2.3', ['latest'], null],
    ['more than three', 'v2', ['1', '1', '1', '1', '1'], /acme\/t2 pinned 1 and 2 more\)/]
  ])('%s', (_what, version, befores, expected) => {
    const results = befores.map((b, n) => pinned(`acme/t${n}`, b))
    expect(versionPrefixWarning(version, results)).toEqual(expected ? expect.stringMatching(expected) : null)
  })
})
