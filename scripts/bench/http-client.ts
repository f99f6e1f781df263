import http from 'node:http';

/** One keep-alive agent for the whole run, as a provider's delivery fleet keeps its connections open. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

export interface HttpAnswer {
  status: number;
  body: string;
}

export function postRaw(input: {
  baseUrl: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}): Promise<HttpAnswer> {
  const url = new URL(input.path, input.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { ...input.headers, 'content-length': String(input.body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(input.body);
  });
}

export function closeHttpAgent(): void {
  agent.destroy();
}
