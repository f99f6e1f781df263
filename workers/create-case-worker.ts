import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createCaseIntakeActivities } from '../activities/case-intake.activities';
import { createCasePersistenceActivities } from '../activities/case-persistence.activities';
import { createReplyDeliveryActivities } from '../activities/reply-delivery.activities';
import type { ChannelSenders } from '../channels/outbound/channel-sender';
import { createSlackActivities } from '../activities/slack.activities';
import { createTriageActivities, type TriageLlmSettings } from '../activities/triage.activities';

export interface CaseWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  client: Client;
  /** A prebuilt bundle (tests bundle once per run); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** How replies leave, per channel; channels without one keep replies on the case as not sent. */
  senders?: ChannelSenders;
  /** Decrypts channel credentials (config SECRETS_KEY). */
  secretsKey: Buffer;
  /** Slack's Web API base URL and the public URL case links point to. */
  slack?: { apiUrl: string; publicBaseUrl: string };
  /** The OpenAI-compatible endpoint for organizations that chose the `llm` categorizer. */
  llm?: TriageLlmSettings;
}

const NO_LLM: TriageLlmSettings = { model: 'unused', timeoutMs: 10_000 };

export function buildCaseActivities(
  deps: Pick<CaseWorkerDeps, 'orm' | 'client' | 'taskQueue' | 'senders' | 'secretsKey' | 'slack' | 'llm'>,
) {
  const temporal = { client: deps.client, taskQueue: deps.taskQueue };
  return {
    ...createCasePersistenceActivities({ orm: deps.orm }),
    ...createCaseIntakeActivities({ orm: deps.orm, temporal }),
    ...createReplyDeliveryActivities({ orm: deps.orm, senders: deps.senders ?? {}, secretsKey: deps.secretsKey }),
    ...createTriageActivities({ orm: deps.orm, llm: deps.llm ?? NO_LLM }),
    ...createSlackActivities({
      orm: deps.orm,
      secretsKey: deps.secretsKey,
      slackApiUrl: deps.slack?.apiUrl ?? 'https://slack.com/api/',
      publicBaseUrl: deps.slack?.publicBaseUrl ?? 'http://localhost:3000',
    }),
  };
}

export async function createCaseWorker(deps: CaseWorkerDeps, overrides: Partial<WorkerOptions> = {}): Promise<Worker> {
  const workflowSource = deps.workflowBundlePath
    ? { workflowBundle: { codePath: deps.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows/index') };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...workflowSource,
    activities: buildCaseActivities(deps),
    ...overrides,
  });
}
