/**
 * Prints the templates' log groups in input order, the order of the list the operator wrote,
 * as soon as every template before each one is done: a template that finishes early waits for
 * those above it, so the log reads the same however the pool ran them. A template with nothing
 * to print (never started), or printed later (its build is awaited), does not hold the others.
 */
export class OrderedGroups {
  private readonly ready = new Map<number, (() => void) | null>()
  private next = 0

  done(index: number, print: (() => void) | null): void {
    this.ready.set(index, print)
    while (this.ready.has(this.next)) {
      this.ready.get(this.next)?.()
      this.ready.delete(this.next)
      this.next++
    }
  }
}
