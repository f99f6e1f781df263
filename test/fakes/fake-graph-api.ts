import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  method: string;
  path: string;
  authorization: string | undefined;
  body: any;
}

export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** A fake Graph API on 127.0.0.1 answering with Meta's real success and error shapes. */
export class FakeGraph {
  readonly requests: Captured[] = [];
  next: Reply = { status: 200, body: {} };
  /** Answered before `next`, one per request; 'hang' never answers. */
  readonly queued: Array<Reply | 'hang'> = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGraph> {
    const holder: { graph?: FakeGraph } = {};
    const server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const graph = holder.graph!;
        graph.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: text ? JSON.parse(text) : null,
        });
        const reply = graph.queued.shift() ?? graph.next;
        if (reply === 'hang') return;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    holder.graph = new FakeGraph(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.graph;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const graphError = (code: number, message: string, type = 'OAuthException', subcode?: number) => ({
  error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'AbC1dEfGhIj' },
});
