import { Client, Connection } from '@temporalio/client';
import type { CaseActionDeps } from '../../app/cases/case-actor';
import { envSchema } from '../../config/env.schema';
import { temporalConnectionOptions } from '../../config/temporal-connection';
import type { Orm } from '../../db/orm';
import { UsageError } from './flags';

/** Temporal for the commands that act on cases: read from the environment and connected on first use only. */
export class CliTemporal {
  private connection: Connection | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async caseActions(orm: Orm): Promise<CaseActionDeps> {
    // As config/config.ts does: a blank variable counts as unset.
    const present = Object.fromEntries(Object.entries(this.env).filter(([, value]) => value !== ''));
    const settings = envSchema
      .pick({
        TEMPORAL_ADDRESS: true,
        TEMPORAL_NAMESPACE: true,
        TEMPORAL_API_KEY: true,
        TEMPORAL_TLS: true,
        TEMPORAL_TASK_QUEUE: true,
      })
      .safeParse(present);
    if (!settings.success)
      throw new UsageError(
        settings.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
      );
    this.connection ??= await Connection.connect(temporalConnectionOptions(settings.data));
    const client = new Client({ connection: this.connection, namespace: settings.data.TEMPORAL_NAMESPACE });
    return { orm, temporal: { client, taskQueue: settings.data.TEMPORAL_TASK_QUEUE } };
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }
}
