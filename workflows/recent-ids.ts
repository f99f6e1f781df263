/**
 * The ids of recent signals, kept across continue-as-new so a redelivered signal is ignored.
 * Bounded: a provider redelivers within hours, not after thousands of newer messages.
 */
export class RecentIds {
  private readonly ids: Set<string>;

  constructor(
    initial: string[],
    private readonly capacity = 2_000,
  ) {
    this.ids = new Set(initial.slice(-capacity));
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds the id; false if it was already there. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  toArray(): string[] {
    return [...this.ids];
  }
}
