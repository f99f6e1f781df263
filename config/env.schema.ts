import { z } from 'zod';

/**
 * Every setting the processes read, in one schema. Only config/ reads process.env.
 * Booleans are parsed from the literal strings "true"/"false" (never Boolean("false")).
 */
const booleanString = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const port = z.coerce.number().int().min(1).max(65535);
const url = z.url();
const perMinute = z.coerce.number().int().min(1).max(1_000_000);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: url.default('http://localhost:3000'),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i, 'a size such as 1mb or 512kb')
    .default('1mb'),

  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port, e.g. localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: booleanString.default(false),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('cases'),
  TEMPORAL_UI_URL: url.default('http://localhost:8233'),

  WORKER_METRICS_PORT: port.default(9464),
  /** A prebuilt workflow bundle (bundleWorkflowCode); without it the worker bundles the workflows at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** How often the worker signals stored customer messages whose webhook could not (Twilio never retries a 503) and starts the workflows of cases the API stored while Temporal was down; 0 turns the sweep off. */
  REDELIVERY_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** A pending message or case younger than this is left to the request that stored it, which may still be finishing it. */
  REDELIVERY_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),

  /** 32-byte key (base64) that encrypts provider secrets at rest. */
  SECRETS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),

  SLACK_API_URL: url.default('https://slack.com/api/'),
  META_GRAPH_URL: url.default('https://graph.facebook.com'),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'a Graph API version such as v21.0')
    .default('v21.0'),
  /** The Meta app's secret: X-Hub-Signature-256 is an HMAC with it. Without it, Meta webhooks are refused. */
  META_APP_SECRET: z.string().min(8).optional(),
  /** The token Meta echoes when subscribing the webhook. Without it, verification is refused. */
  META_VERIFY_TOKEN: z.string().min(8).optional(),
  TWILIO_API_URL: url.optional(),
  LLM_BASE_URL: url.optional(),
  LLM_API_KEY: z.string().min(1).optional(),
  LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),

  /** Turns every rate limit off (benchmarks and load tests). */
  RATE_LIMIT_DISABLED: booleanString.default(false),
  /** Requests per minute; each bucket holds a minute's worth, so short bursts pass. Each API instance counts on its own. */
  RATE_LIMIT_API_PER_TOKEN_PER_MINUTE: perMinute.default(600),
  RATE_LIMIT_API_PER_IP_PER_MINUTE: perMinute.default(1200),
  /** Generous: providers deliver in bursts and retry what we refuse. */
  RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE: perMinute.default(6000),
  RATE_LIMIT_REPLIES_PER_ORG_PER_MINUTE: perMinute.default(120),
  RATE_LIMIT_CALLS_PER_ORG_PER_MINUTE: perMinute.default(30),
});

export type AppConfig = z.infer<typeof envSchema>;
export type EnvVariableName = keyof typeof envSchema.shape;
