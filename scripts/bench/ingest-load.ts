import { performance } from 'node:perf_hooks';
import { postRaw } from './http-client';
import type { Operation } from './load-driver';
import type { WebhookFactory, WebhookRequest } from './webhook-builders';

/** Built before the clock starts: signing is the provider's work, not the system's. */
export function prepareWebhooks(input: {
  factory: WebhookFactory;
  count: number;
  onlyNewConversations?: boolean;
}): WebhookRequest[] {
  return Array.from({ length: input.count }, () =>
    input.onlyNewConversations ? input.factory.newConversation() : input.factory.next(),
  );
}

/**
 * Posts the prepared webhook with this index; anything but 2xx is an error. Records when each new
 * conversation was accepted, and each channel's latencies (the channels parse and verify differently).
 */
export function webhookOperation(input: {
  baseUrl: string;
  requests: WebhookRequest[];
  acceptedAt?: Map<string, number>;
  latencyByChannel?: Map<string, number[]>;
}): Operation {
  return async (index) => {
    const request = input.requests[index];
    const started = performance.now();
    const answer = await postRaw({
      baseUrl: input.baseUrl,
      path: request.path,
      headers: request.headers,
      body: request.body,
    });
    if (answer.status < 200 || answer.status > 299)
      throw new Error(`${request.channel} webhook answered ${answer.status}: ${answer.body.slice(0, 160)}`);
    const accepted = performance.now();
    if (request.opensThread) input.acceptedAt?.set(request.providerMessageId, accepted);
    const latencies = input.latencyByChannel?.get(request.channel) ?? [];
    latencies.push(accepted - started);
    input.latencyByChannel?.set(request.channel, latencies);
  };
}
