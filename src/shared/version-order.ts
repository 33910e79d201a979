/**
 * Ordering of version strings for the downgrade policy: semver 2.0 when both sides are semver,
 * otherwise PEP 440 when both sides are PEP 440; anything else cannot be compared.
 */
export type Comparison = -1 | 0 | 1 | null

const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

// PEP 440, with the spellings its normalisation accepts (case, separators, alpha/beta/c/pre...).
const PEP440 =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|rc|c|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d*)))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i

const sign = (n: number): -1 | 0 | 1 => (n < 0 ? -1 : n > 0 ? 1 : 0)

function compareSemver(a: RegExpExecArray, b: RegExpExecArray): -1 | 0 | 1 {
  for (let i = 1; i <= 3; i++) {
    const d = Number(a[i]) - Number(b[i])
    if (d !== 0) return sign(d)
  }
  const [pa, pb] = [a[4], b[4]]
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1
  const xs = pa.split('.')
  const ys = pb.split('.')
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    if (xs[i] === undefined) return -1
    if (ys[i] === undefined) return 1
    const [nx, ny] = [/^\d+$/.test(xs[i]), /^\d+$/.test(ys[i])]
    if (nx && ny && Number(xs[i]) !== Number(ys[i])) return sign(Number(xs[i]) - Number(ys[i]))
    if (nx !== ny) return nx ? -1 : 1 // numeric identifiers sort before alphanumeric ones
    if (xs[i] !== ys[i]) return xs[i] < ys[i] ? -1 : 1
  }
  return 0
}

/** A PEP 440 version as a tuple that sorts the way PEP 440 orders versions. */
function pepKey(m: RegExpExecArray): number[] {
  const epoch = Number(m[1] ?? 0)
  const release = m[2].split('.').map(Number)
  while (release.length > 1 && release[release.length - 1] === 0) release.pop()
  const preLetter = m[3]?.toLowerCase()
  const preRank = preLetter === undefined ? 3 : /^(a|alpha)$/.test(preLetter) ? 0 : /^(b|beta)$/.test(preLetter) ? 1 : 2
  const post = m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[7] || 0) : -1
  const dev = m[8] !== undefined ? Number(m[9] || 0) : Infinity
  // A dev release of a final release sorts before its pre-releases (1.0.dev1 < 1.0a1).
  const pre = preLetter === undefined && post === -1 && dev !== Infinity ? [-1, 0] : [preRank, Number(m[4] || 0)]
  return [epoch, release.length, ...release, ...pre, post, dev]
}

function compareKeys(a: number[], b: number[]): -1 | 0 | 1 {
  // Release segments differ in length: compare them padded, then the rest in order.
  const [ra, rb] = [a.slice(2, 2 + a[1]), b.slice(2, 2 + b[1])]
  const d0 = a[0] - b[0]
  if (d0 !== 0) return sign(d0)
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0)
    if (d !== 0) return sign(d)
  }
  const [ta, tb] = [a.slice(2 + a[1]), b.slice(2 + b[1])]
  for (let i = 0; i < ta.length; i++) {
    if (ta[i] !== tb[i]) return ta[i] < tb[i] ? -1 : 1
  }
  return 0
}

/** -1 when a < b, 0 when equal, 1 when a > b, null when the two cannot be compared. */
export function compareVersions(a: string, b: string): Comparison {
  const [sa, sb] = [SEMVER.exec(a), SEMVER.exec(b)]
  if (sa && sb) return compareSemver(sa, sb)
  const [pa, pb] = [PEP440.exec(a), PEP440.exec(b)]
  if (pa && pb) return compareKeys(pepKey(pa), pepKey(pb))
  return null
}
