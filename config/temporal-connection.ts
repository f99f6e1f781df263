import type { AppConfig } from './env.schema';

/** Connection options for a Temporal server or cluster (TLS is implied by an API key, as on Temporal Cloud). */
export function temporalConnectionOptions(
  config: Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_API_KEY'>,
) {
  const tls = config.TEMPORAL_TLS || config.TEMPORAL_API_KEY !== undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    tls: tls ? {} : undefined,
    apiKey: config.TEMPORAL_API_KEY,
  };
}
