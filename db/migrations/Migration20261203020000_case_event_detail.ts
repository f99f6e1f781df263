import { Migration } from '@mikro-orm/migrations';

/**
 * `case_events.detail`: why, for timeline entries that record a failure rather than a change
 * ("categorization failed: …", "reply not delivered: …"), so the team sees what did not happen.
 */
export class Migration20261203020000_case_event_detail extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table case_events add column detail text;`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table case_events drop column if exists detail;');
  }
}
