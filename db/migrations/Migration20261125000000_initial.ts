import { Migration } from '@mikro-orm/migrations';
import { createCaseTables } from './initial/case-tables';
import { createOrganizationTables } from './initial/organization-tables';

/**
 * The whole read model. Written by hand rather than generated so that partial and trigram
 * indexes, check constraints and the one-active-case-per-thread rule are explicit.
 */
export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    const addSql = (sql: string) => this.addSql(sql);
    createOrganizationTables(addSql);
    createCaseTables(addSql);
  }

  override async down(): Promise<void> {
    for (const table of [
      'notification_deliveries',
      'slack_threads',
      'webhook_deliveries',
      'case_events',
      'read_marks',
      'attachments',
      'messages',
      'cases',
      'threads',
      'routing_rules',
      'categories',
      'devices',
      'customer_identities',
      'customers',
      'channel_connections',
      'slack_connections',
      'api_tokens',
      'users',
      'organizations',
    ]) {
      this.addSql(`drop table if exists ${table} cascade;`);
    }
  }
}
