import type { Author } from '../inputs/settings.js'
import type { WriteAnswer } from './forge-shapes.js'

/** What the forge API is asked to write, and a workflow run as it reads one. */

export interface FileWrite {
  path: string
  branch: string
  bytes: Buffer
  /** The blob being replaced; null creates the file. */
  sha: string | null
  message: string
  /** null: none sent, so the forge uses the token's account (and GitHub signs the commit). */
  author: Author | null
}

/** Several files in one commit on `branch`'s current tip. */
export interface FilesCommit {
  branch: string
  files: Array<{ path: string; bytes: Buffer; sha: string | null }>
  message: string
  author: Author | null
}

/** A files commit; `stale` names a file that is no longer the blob it was read as. */
export type FilesCommitted = WriteAnswer | { stale: string }

export interface RunInfo {
  id: number
  sha: string
  status: string
  conclusion?: string
  url: string
  /** The workflow the run belongs to, as the forge says it ("file@ref", a path, or a file name). */
  path?: string
}

export interface PullSpec {
  head: string
  base: string
  title: string
  body: string
  draft?: boolean
}
