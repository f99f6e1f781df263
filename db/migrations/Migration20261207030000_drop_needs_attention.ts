import { Migration } from '@mikro-orm/migrations';

/**
 * `cases.needs_attention` was the workflow's flag copied on every write; nothing reads it since the
 * inbox, its counts, the case page and Slack read `cases.attention_due_at` (one deadline per case).
 * No index includes it.
 */
export class Migration20261207030000_drop_needs_attention extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table cases drop column if exists needs_attention;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table cases add column needs_attention boolean not null default false;');
    this.addSql(`update cases set needs_attention = true where status <> 'resolved' and attention_due_at <= now();`);
  }
}
