/**
 * One place a template pins the runtime:
 * - `file`: the whole file is the version (`V\n`), created where absent (`version-file`);
 * - `pattern`: every match of `regex` in the file has its `version` group rewritten to V,
 *   nothing else in the file changes. `text` is the line as written, for messages.
 */
export type Pin =
  { kind: 'file'; path: string } | { kind: 'pattern'; path: string; text: string; regex: RegExp; optional: boolean }

/** The pins' files, each once, in the order first named. */
export function pinPaths(pins: Pin[]): string[] {
  return [...new Set(pins.map((p) => p.path))]
}
