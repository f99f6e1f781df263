import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, any>;
  /** What the fake answered: 'ok', 'rate_limited' or the Slack error code. */
  outcome: string;
}

/** `hang`: the call takes effect but its answer never comes. */
type Failure =
  | { kind: 'rate_limited'; retryAfter: number }
  | { kind: 'error'; error: string }
  | { kind: 'http_error'; status: number }
  | { kind: 'hang' };

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown;
  metadata?: unknown;
}

/** A message posted to an interaction's response_url. */
export interface ResponseUrlPost {
  url: string;
  body: Record<string, any>;
}

/**
 * A fake Slack Web API on 127.0.0.1: chat.postMessage, chat.update, conversations.history and
 * conversations.replies, form or JSON bodies, with Slack's answer shapes. Failures are queued per method.
 * It also takes the posts to interactions' response_urls (`responseUrl()` makes one).
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];
  readonly messages: StoredMessage[] = [];
  private readonly failures = new Map<string, Failure[]>();
  /** The workspace's members by email, for users.lookupByEmail. */
  private readonly members = new Map<string, string>();
  private clock = 1_764_000_000;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSlackApi> {
    const holder: { fake?: FakeSlackApi } = {};
    const server = createServer((req, res) => {
      void readBody(req).then((text) => {
        const answer = holder.fake!.handle(req, text);
        // A Slack that never answers: the connection stays open until the client gives up.
        if (answer === null) return;
        const { status, body, headers } = answer;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    holder.fake = new FakeSlackApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`);
    return holder.fake;
  }

  failNext(method: string, failure: Failure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.failures.set(method, queue);
  }

  /** A member of the workspace, found by users.lookupByEmail. */
  addMember(member: { id: string; email: string }): void {
    this.members.set(member.email.toLowerCase(), member.id);
  }

  /** A response_url of this fake, as Slack puts one in each interaction payload. */
  responseUrl(): string {
    return `${new URL(this.url).origin}/actions/T0/${randomUUID()}`;
  }

  postsTo(url: string): ResponseUrlPost[] {
    return this.responsePosts.filter((post) => post.url === url);
  }

  /** Calls that Slack accepted. */
  succeeded(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method && call.outcome === 'ok');
  }

  reset(): void {
    this.calls.length = 0;
    this.responsePosts.length = 0;
    this.messages.length = 0;
    this.failures.clear();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(
    req: IncomingMessage,
    text: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } | null {
    if (req.url?.startsWith('/actions/')) {
      this.responsePosts.push({
        url: `${new URL(this.url).origin}${req.url}`,
        body: parseArgs(req.headers['content-type'] ?? '', text),
      });
      return { status: 200, body: { ok: true } };
    }
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const args = parseArgs(req.headers['content-type'] ?? '', text);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? args.token;
    const failure = this.failures.get(method)?.shift();
    const record = (outcome: string) => this.calls.push({ method, token, args, outcome });
    if (failure?.kind === 'rate_limited') {
      record('rate_limited');
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(failure.retryAfter) },
      };
    }
    if (failure?.kind === 'http_error') {
      record(`http_${failure.status}`);
      return { status: failure.status, body: { ok: false, error: 'internal_error' } };
    }
    if (failure?.kind === 'hang') {
      // Slack did the work; only the answer is lost, so a retry that posts blindly would post twice.
      this.answer(method, args);
      record('hang');
      return null;
    }
    if (failure?.kind === 'error') {
      record(failure.error);
      return { status: 200, body: { ok: false, error: failure.error } };
    }
    const body = this.answer(method, args);
    record(body.ok ? 'ok' : String(body.error));
    return { status: 200, body };
  }

  private answer(method: string, args: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'chat.postMessage': {
        this.clock += 1;
        const message: StoredMessage = {
          channel: args.channel,
          ts: `${this.clock}.000100`,
          thread_ts: args.thread_ts,
          text: args.text,
          blocks: args.blocks,
          metadata: args.metadata,
        };
        this.messages.push(message);
        return { ok: true, channel: args.channel, ts: message.ts, message: { type: 'message', ...message } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        Object.assign(message, { text: args.text, blocks: args.blocks });
        return {
          ok: true,
          channel: args.channel,
          ts: args.ts,
          text: args.text,
          message: { type: 'message', ...message },
        };
      }
      case 'conversations.history':
        return {
          ok: true,
          messages: this.messages
            .filter((m) => m.channel === args.channel && !m.thread_ts)
            .reverse()
            .map((m) => this.view(m, args)),
          has_more: false,
        };
      case 'conversations.replies':
        return {
          ok: true,
          messages: this.messages
            .filter((m) => m.channel === args.channel && (m.ts === args.ts || m.thread_ts === args.ts))
            .map((m) => this.view(m, args)),
          has_more: false,
        };
      case 'users.lookupByEmail': {
        const id = this.members.get(String(args.email ?? '').toLowerCase());
        return id
          ? { ok: true, user: { id, profile: { email: args.email } } }
          : { ok: false, error: 'users_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private view(message: StoredMessage, args: Record<string, any>): Record<string, unknown> {
    const { metadata, ...rest } = message;
    const includeMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return { type: 'message', ...rest, ...(includeMetadata && metadata ? { metadata } : {}) };
  }
}

/** The WebClient sends forms with JSON-encoded object fields (blocks, metadata); decode them back. */
function parseArgs(contentType: string, text: string): Record<string, any> {
  if (!text) return {};
  if (contentType.includes('application/json')) return JSON.parse(text);
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
