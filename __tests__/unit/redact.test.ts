import { Redactor } from '../../src/shared/redact.js'

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'

describe('Redactor', () => {
  it('removes the token in each form it travels in: as is, base64, basic auth', () => {
    const r = new Redactor(TOKEN)
    const b64 = Buffer.from(TOKEN).toString('base64')
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
    expect(r.redact(`a ${TOKEN} b ${b64} c ${basic}`)).toBe('a *** b *** c ***')
  })

  it('clip redacts before it shortens: a cut never leaves half a token showing', () => {
    const r = new Redactor(TOKEN)
    const text = `HTTP 500: upstream said Authorization: token ${TOKEN} and more`
    const clipped = r.clip(text, 50)
    expect(clipped).not.toContain(TOKEN.slice(0, 10))
    expect(clipped).toBe('HTTP 500: upstream said Authorization: token *** a…')
  })
})
