import type { CaseState } from '../domain/case.model';
import type { TimelineEntry } from './case.contract';

/** Timeline entries in one persistence activity: keeps its payload far below Temporal's 256 KB warning. */
const MAX_ENTRIES_PER_WRITE = 200;

/**
 * The case's versions, and which of them the read model already has. Handlers record transitions
 * synchronously; the main loop writes them in batches, so a flood of messages costs a few activities
 * rather than one each, and continue-as-new never waits on a queue of in-flight writes.
 */
export class CaseJournal {
  private pending: TimelineEntry[];
  private persistedVersion: number;

  constructor(
    private currentVersion: number,
    unpersisted: TimelineEntry[],
  ) {
    this.pending = [...unpersisted];
    this.persistedVersion = currentVersion - unpersisted.length;
  }

  get version(): number {
    return this.currentVersion;
  }

  record(entry: Omit<TimelineEntry, 'version'>): number {
    this.currentVersion += 1;
    this.pending.push({ ...entry, version: this.currentVersion });
    return this.currentVersion;
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  isPersisted(version: number): boolean {
    return this.persistedVersion >= version;
  }

  /** The next entries to write, with the latest state: it supersedes every older one. */
  nextBatch(state: CaseState): { entries: TimelineEntry[]; version: number; state: CaseState; upTo: number } {
    const entries = this.pending.slice(0, MAX_ENTRIES_PER_WRITE);
    return { entries, version: this.currentVersion, state, upTo: entries[entries.length - 1].version };
  }

  markPersisted(version: number): void {
    this.pending = this.pending.filter((entry) => entry.version > version);
    this.persistedVersion = Math.max(this.persistedVersion, version);
  }

  unpersisted(): TimelineEntry[] {
    return [...this.pending];
  }
}
