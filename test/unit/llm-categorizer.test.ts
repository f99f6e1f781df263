import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { categorizeWithLlm, LlmUnavailableError } from '../../integrations/llm/openai-compatible.categorizer';

type Mode =
  | { kind: 'answer'; category: string }
  | { kind: 'refuse' }
  | { kind: 'slow' }
  | { kind: 'fail' }
  | { kind: 'garbage' }
  | { kind: 'null' };

/** A stand-in for an OpenAI-compatible server, answering in the real chat.completion shape. */
function completion(message: { content: string | null; refusal: string | null }) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1764000000,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 120, completion_tokens: 8, total_tokens: 128 },
  };
}

let server: Server;
let baseUrl: string;
let mode: Mode;
const requests: Array<{ url?: string; authorization?: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    request.on('end', () => {
      requests.push({
        url: request.url,
        authorization: request.headers.authorization,
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (mode.kind === 'fail') send(500, { error: { message: 'internal error', type: 'server_error' } });
      else if (mode.kind === 'slow')
        setTimeout(() => send(200, completion({ content: '{"category":"Billing"}', refusal: null })), 1_000);
      else if (mode.kind === 'refuse') send(200, completion({ content: null, refusal: 'I cannot help with that.' }));
      else if (mode.kind === 'garbage') send(200, completion({ content: 'Billing, I think', refusal: null }));
      else if (mode.kind === 'null') send(200, null);
      else send(200, completion({ content: JSON.stringify({ category: mode.category }), refusal: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests.length = 0;
});

const categories = [
  { id: 'c-billing', name: 'Billing', description: 'Charges, invoices and refunds.' },
  { id: 'c-shipping', name: 'Shipping', description: 'Where an order is.' },
];
const ask = (timeoutMs = 2_000) =>
  categorizeWithLlm({
    baseUrl,
    apiKey: 'sk-test',
    model: 'test-model',
    timeoutMs,
    categories,
    text: 'I was charged twice',
  });

describe('categorizeWithLlm', () => {
  it('asks for structured output over the category names and maps the answer to its id', async () => {
    mode = { kind: 'answer', category: 'Billing' };
    await expect(ask()).resolves.toEqual({ categoryId: 'c-billing' });
    expect(requests[0]).toMatchObject({
      url: '/v1/chat/completions',
      authorization: 'Bearer sk-test',
      body: {
        model: 'test-model',
        temperature: 0,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'case_category',
            strict: true,
            schema: {
              type: 'object',
              properties: { category: { enum: ['Billing', 'Shipping', 'uncategorized'] } },
              required: ['category'],
              additionalProperties: false,
            },
          },
        },
      },
    });
  });

  it('answers no category for "uncategorized", an unknown name or a refusal', async () => {
    mode = { kind: 'answer', category: 'uncategorized' };
    await expect(ask()).resolves.toEqual({ categoryId: null });
    mode = { kind: 'answer', category: 'Gardening' };
    await expect(ask()).resolves.toEqual({ categoryId: null });
    mode = { kind: 'refuse' };
    await expect(ask()).resolves.toEqual({ categoryId: null, refused: true });
  });

  it('throws LlmUnavailableError on a timeout, an HTTP error, non-JSON content, a body that is not an object or no server', async () => {
    mode = { kind: 'slow' };
    await expect(ask(150)).rejects.toThrow(LlmUnavailableError);
    mode = { kind: 'fail' };
    await expect(ask()).rejects.toThrow(/HTTP 500/);
    mode = { kind: 'garbage' };
    await expect(ask()).rejects.toThrow(LlmUnavailableError);
    mode = { kind: 'null' };
    await expect(ask()).rejects.toThrow(LlmUnavailableError);
    await expect(
      categorizeWithLlm({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', timeoutMs: 1_000, categories, text: 'x' }),
    ).rejects.toThrow(LlmUnavailableError);
  });
});
