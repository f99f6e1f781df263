import { Migration } from '@mikro-orm/migrations';

/**
 * `cases.workflow_start_pending`: a case the API created (manual, partner, an agent's outbound call)
 * whose workflow has not yet been started. Set in the insert that creates the case, cleared once the
 * start succeeds; when Temporal is unreachable the API still answers 201 (the case is stored) and the
 * worker's sweep starts the workflow. Cases opened by a customer message need no mark: the message's
 * own `signal_pending` starts their workflow. The partial index holds only the marked rows.
 */
export class Migration20261125040000_case_workflow_start_pending extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table cases add column workflow_start_pending boolean not null default false;`);
    this.addSql(`create index cases_workflow_start_pending_idx on cases (created_at) where workflow_start_pending;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists cases_workflow_start_pending_idx;');
    this.addSql('alter table cases drop column if exists workflow_start_pending;');
  }
}
