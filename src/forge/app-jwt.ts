import { sign, type KeyObject } from 'node:crypto'

/**
 * The JSON Web Token a GitHub App authenticates as itself with (GitHub docs, "Generating a JSON
 * Web Token (JWT) for a GitHub App"): RS256, `iat` 60 s in the past against clock drift, `exp`
 * at most 10 minutes ahead, `iss` the App's id (or client ID). Nine minutes, not ten: an `exp`
 * of exactly ten minutes is refused as "too far in the future" by a clock a second behind
 * (github/docs#36558, Link-/gh-token#69).
 */
export const JWT_LIFETIME_SECONDS = 9 * 60

export function appJwt(appId: string, key: KeyObject, nowMs = Date.now()): { jwt: string; expiresAtMs: number } {
  const now = Math.floor(nowMs / 1000)
  const header = { alg: 'RS256', typ: 'JWT' }
  // A numeric id goes as a number, as GitHub's examples send it; a client ID as its string.
  const payload = { iat: now - 60, exp: now + JWT_LIFETIME_SECONDS, iss: /^\d+$/.test(appId) ? Number(appId) : appId }
  const body = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  const signature = sign('sha256', Buffer.from(body), key).toString('base64url')
  return { jwt: `${body}.${signature}`, expiresAtMs: (now + JWT_LIFETIME_SECONDS) * 1000 }
}

const base64url = (text: string) => Buffer.from(text).toString('base64url')
