import type { EntityManager } from '@mikro-orm/postgresql';
import type { CaseActionDeps } from '../../app/cases/case-actor';
import type { FlagSpec, Flags } from './flags';

/** One operator command: its flags, what it does, and how a person reads its result (`--json` prints the result as is). */
export interface CliCommand<Result = unknown> {
  summary: string;
  flags: Record<string, FlagSpec>;
  run(context: CliContext, flags: Flags): Promise<Result>;
  format(result: Result): string;
}

/** What a command may use: the database, and (for case actions) Temporal, connected only when asked. */
export interface CliContext {
  em: EntityManager;
  caseActions(): Promise<CaseActionDeps>;
}
