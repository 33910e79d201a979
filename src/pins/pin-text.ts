/**
 * The pin exactly as a template reads it: `head -n1 .runtime-version | tr -d '[:space:]'`.
 * On bytes, not on decoded text: JavaScript's trim() also drops a byte-order mark and other
 * Unicode spaces, which `tr` (in the C locale a runner uses) keeps, so a file with a BOM would
 * look pinned to the cascade and not to the template.
 */

// POSIX [:space:] in the C locale: space, \t, \n, \v, \f, \r.
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d])

/** The version the template's build reads from these bytes. */
export function templateReading(bytes: Buffer): Buffer {
  const end = bytes.indexOf(0x0a)
  const line = end < 0 ? bytes : bytes.subarray(0, end)
  return Buffer.from(line.filter((b) => !SPACE.has(b)))
}

export function isPinned(bytes: Buffer, version: string): boolean {
  return templateReading(bytes).equals(Buffer.from(version, 'utf8'))
}

/** What the file pins, for a person: the reading, quoted and escaped when it is not plain. */
export function describePin(bytes: Buffer): string {
  const reading = templateReading(bytes)
  const text = reading.toString('utf8')
  if (text === '') return 'empty'
  // Printable ASCII only, else show the bytes as they are (a BOM shows as \ufeff).
  return /^[\x21-\x7e]+$/.test(text) ? text : JSON.stringify(text).replace(/[\u007f-\uffff]/g, escapeChar)
}

const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
