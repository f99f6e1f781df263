import { Migration } from '@mikro-orm/migrations';

// Every column an inbox filter or count reads, carried in the index so those reads never touch the table.
const INBOX_COLUMNS =
  'status, archived, channel, category_id, assignee_id, created_by_user_id, customer_id, important, opened_at, window_expires_at, last_customer_message_at';

/**
 * The active inbox (every unresolved case, about 5 % of an organization's cases) in each of its three
 * sort orders. Partial on `status <> 'resolved'` (which implies not archived), and covering, so a page
 * is an index-only walk in sort order that stops after 25 matches, and the counts are one index-only
 * pass. The window order is an expression so "no window" sorts last and a cursor can compare it.
 * Plain `create index` because migrations run in a transaction (CONCURRENTLY cannot).
 */
export class Migration20261125010000_inbox_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index cases_active_updated_idx on cases (org_id, updated_at desc, id desc) include (${INBOX_COLUMNS}) where status <> 'resolved';`,
    );
    this.addSql(
      `create index cases_active_created_idx on cases (org_id, created_at desc, id desc) include (${INBOX_COLUMNS}) where status <> 'resolved';`,
    );
    this.addSql(
      `create index cases_active_window_idx on cases (org_id, (coalesce(window_expires_at, 'infinity'::timestamptz)), id) include (${INBOX_COLUMNS}) where status <> 'resolved';`,
    );
    // Archived implies resolved; without joint statistics the planner multiplies the two selectivities
    // and expects a few dozen active cases where there are tens of thousands, and picks plans for that.
    this.addSql('create statistics cases_status_archived_stats (mcv) on status, archived from cases;');
    // Without statistics on the customers' search line the planner guesses 0.01 % of customers match any
    // text, and plans a common surname as if it were an email address.
    this.addSql(
      `create statistics customers_search_line_stats on ((coalesce(name, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, ''))) from customers;`,
    );
    // `unread` joins the caller's read marks; carrying read_at in the key's index makes that join
    // index-only (the heap fetches were most of the counts' time). Same constraint, same name.
    this.addSql(
      'alter table read_marks drop constraint read_marks_pkey, add constraint read_marks_pkey primary key (user_id, case_id) include (read_at);',
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'alter table read_marks drop constraint read_marks_pkey, add constraint read_marks_pkey primary key (user_id, case_id);',
    );
    this.addSql('drop statistics if exists customers_search_line_stats;');
    this.addSql('drop statistics if exists cases_status_archived_stats;');
    this.addSql('drop index if exists cases_active_window_idx;');
    this.addSql('drop index if exists cases_active_created_idx;');
    this.addSql('drop index if exists cases_active_updated_idx;');
  }
}
