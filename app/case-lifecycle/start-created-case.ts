import type { MikroORM } from '@mikro-orm/postgresql';
import { startStoredCase } from './start-stored-case';
import type { TemporalTarget } from './start-case-workflow';
import { isDependencyUnavailable } from '../dependency-unavailable';

/**
 * Starts the workflow of a case the API has just stored. If Temporal cannot be reached the case
 * stays stored and marked, and the request still succeeds: the worker's sweep starts the workflow
 * when Temporal is back. Answering 503 instead would invite a retry that creates the case twice
 * (and, for a call, rings the customer twice).
 */
export async function startCreatedCase(input: {
  orm: MikroORM;
  temporal: TemporalTarget;
  caseId: string;
}): Promise<void> {
  try {
    await startStoredCase(input);
  } catch (error) {
    if (!isDependencyUnavailable(error)) throw error;
  }
}
