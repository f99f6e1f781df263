/**
 * How long one run of a case workflow grows before it continues as new.
 *
 * The server suggests continuing at 4,096 events. A worker's memory for a cached run grows with the
 * run's length until the run continues as new (measured by the soak), so it climbs and falls with runs;
 * cases opened together, with the same traffic, would all reach the suggestion in the same minute
 * and continue together. Ending runs earlier, each at its own point, keeps the worker's memory lower
 * and flat: the sawtooth of many small, out-of-phase runs is a level.
 */
export const RUN_EVENTS_MIN = 1_000;
export const RUN_EVENTS_MAX = 2_000;

/** The event count at which this run continues as new: a point in [min, max) fixed by the run's id. */
export function continueAsNewAfterEvents(runId: string): number {
  return RUN_EVENTS_MIN + Math.floor(unitInterval(runId) * (RUN_EVENTS_MAX - RUN_EVENTS_MIN));
}

/** FNV-1a of the id, as a fraction in [0, 1): the same id always gives the same point. */
function unitInterval(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
