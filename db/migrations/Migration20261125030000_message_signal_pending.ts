import { Migration } from '@mikro-orm/migrations';

/**
 * `messages.signal_pending`: a customer message stored by ingest whose case workflow has not yet
 * been told about it. Ingest sets it in the same insert that stores the message and clears it once
 * signalWithStart succeeds; the worker's redelivery sweep signals whatever stays marked (Twilio,
 * for one, never retries a webhook we answered 503). Default false, so rows written by any other
 * path (outbound messages, notes, transcripts, fixtures) are never swept. The partial index holds
 * only the marked rows, a handful at any time, which the sweep reads oldest first.
 */
export class Migration20261125030000_message_signal_pending extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table messages add column signal_pending boolean not null default false;`);
    this.addSql(`create index messages_signal_pending_idx on messages (created_at) where signal_pending;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists messages_signal_pending_idx;');
    this.addSql('alter table messages drop column if exists signal_pending;');
  }
}
