import { shardOf, shareOf } from '../../src/pipeline/shards.js'

const names = Array.from({ length: 300 }, (_, i) => `acme/tpl-${i}`)
const refs = (list: string[]) => list.map((fullName) => ({ owner: 'acme', repo: fullName.split('/')[1], fullName }))

describe('shards', () => {
  it('every template is in exactly one of n shards', () => {
    const shares = [1, 2, 3].map((index) => shareOf(refs(names), { index, count: 3 }).mine.map((t) => t.fullName))
    expect(shares.flat().sort()).toEqual([...names].sort())
    // Roughly even: a hash, not a round robin.
    for (const share of shares) expect(share.length).toBeGreaterThan(70)
  })

  it('a template stays in its shard whatever else is listed, and whatever its case', () => {
    const alone = shardOf('acme/tpl-7', 5)
    expect(shardOf('ACME/Tpl-7', 5)).toBe(alone)
    const among = shareOf(refs(['acme/other', 'acme/tpl-7', 'acme/more']), { index: alone, count: 5 }).mine
    expect(among.map((t) => t.fullName)).toContain('acme/tpl-7')
  })

  it('without a shard, every template; positions are those of the whole list', () => {
    const { mine, position } = shareOf(refs(['acme/b', 'acme/a']), null)
    expect([mine.length, position.get('acme/a'), position.get('acme/b')]).toEqual([2, 1, 0])
  })
})
