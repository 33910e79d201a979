/** Where a template's (or the run's) log lines go: one line at a time, printed later as a group. */
export type Log = (line: string) => void
