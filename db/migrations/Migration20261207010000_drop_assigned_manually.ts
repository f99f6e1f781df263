import { Migration } from '@mikro-orm/migrations';

/**
 * `cases.assigned_manually` was never written: who assigned a case is on its timeline (the actor of
 * the `assign` entry: an agent, routing or the system), which is the one place that records it.
 */
export class Migration20261207010000_drop_assigned_manually extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table cases drop column if exists assigned_manually;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table cases add column assigned_manually boolean not null default false;');
  }
}
