import { Migration } from '@mikro-orm/migrations';

const BEFORE =
  'status, archived, channel, category_id, assignee_id, created_by_user_id, customer_id, important, opened_at, window_expires_at, last_customer_message_at';
const AFTER = `${BEFORE}, attention_due_at`;

const activeIndexes = (columns: string) => [
  `create index cases_active_updated_idx on cases (org_id, updated_at desc, id desc) include (${columns}) where status <> 'resolved';`,
  `create index cases_active_created_idx on cases (org_id, created_at desc, id desc) include (${columns}) where status <> 'resolved';`,
  `create index cases_active_window_idx on cases (org_id, (coalesce(window_expires_at, 'infinity'::timestamptz)), id) include (${columns}) where status <> 'resolved';`,
];
const dropActiveIndexes = 'drop index cases_active_updated_idx, cases_active_created_idx, cases_active_window_idx;';

/**
 * `cases.attention_due_at`: when an unresolved case needs attention, under the delay it started with.
 * The case workflow writes it with every change, so the inbox filter, its count, the case page,
 * Slack and the Temporal UI read one deadline; before, the inbox applied the organization's current
 * delay to cases that had started under another. The covering indexes carry it, so the filter and
 * its count stay index-only. Running cases get the organization's current delay until their next write.
 */
export class Migration20261207020000_case_attention_due_at extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table cases add column attention_due_at timestamptz;');
    this.addSql(
      `update cases c set attention_due_at = c.opened_at + make_interval(secs => o.attention_after_seconds)
       from organizations o where o.id = c.org_id and c.status <> 'resolved';`,
    );
    this.addSql(dropActiveIndexes);
    for (const statement of activeIndexes(AFTER)) this.addSql(statement);
    this.addSql('drop index cases_attention_idx;');
    this.addSql(`create index cases_attention_idx on cases (org_id, attention_due_at) where status <> 'resolved';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index cases_attention_idx;');
    this.addSql(`create index cases_attention_idx on cases (org_id, opened_at) where status <> 'resolved';`);
    this.addSql(dropActiveIndexes);
    for (const statement of activeIndexes(BEFORE)) this.addSql(statement);
    this.addSql('alter table cases drop column attention_due_at;');
  }
}
