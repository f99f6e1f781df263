import { Migration } from '@mikro-orm/migrations';

/**
 * `idempotency_keys`: the answers of agent API requests sent with an Idempotency-Key, per
 * organization and token, kept 24 hours (`expires_at`; the worker's sweep deletes expired rows, and
 * an expired row is treated as absent before that). `status` and `response_body` stay null while the
 * first request runs; `locked_until` is its lease, which the running request keeps extending.
 *
 * `messages.reply_update_pending_since`: an agent reply stored before its `recordReply` update was
 * sent, until the case workflow has answered it. A reply whose answer never came (Temporal
 * unreachable, a timeout) keeps the mark, and the worker's sweep re-sends the same update. The
 * partial index holds only the marked rows.
 */
export class Migration20261203010000_idempotency_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table idempotency_keys (
        org_id uuid not null references organizations (id) on delete cascade,
        token_id uuid not null references api_tokens (id) on delete cascade,
        key text not null check (char_length(key) between 1 and 255),
        fingerprint text not null,
        status integer,
        response_body text,
        locked_until timestamptz,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (org_id, token_id, key)
      );`);
    this.addSql(`create index idempotency_keys_expires_idx on idempotency_keys (expires_at);`);
    this.addSql(`alter table messages add column reply_update_pending_since timestamptz;`);
    this.addSql(
      `create index messages_reply_update_pending_idx on messages (reply_update_pending_since, id) where reply_update_pending_since is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists messages_reply_update_pending_idx;');
    this.addSql('alter table messages drop column if exists reply_update_pending_since;');
    this.addSql('drop table if exists idempotency_keys;');
  }
}
