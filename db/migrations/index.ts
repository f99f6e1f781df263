import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_initial } from './Migration20261125000000_initial';
import { Migration20261125010000_inbox_indexes } from './Migration20261125010000_inbox_indexes';
import { Migration20261125020000_active_search } from './Migration20261125020000_active_search';
import { Migration20261125030000_message_signal_pending } from './Migration20261125030000_message_signal_pending';
import { Migration20261125040000_case_workflow_start_pending } from './Migration20261125040000_case_workflow_start_pending';
import { Migration20261203010000_idempotency_keys } from './Migration20261203010000_idempotency_keys';
import { Migration20261203020000_case_event_detail } from './Migration20261203020000_case_event_detail';
import { Migration20261207010000_drop_assigned_manually } from './Migration20261207010000_drop_assigned_manually';
import { Migration20261207020000_case_attention_due_at } from './Migration20261207020000_case_attention_due_at';
import { Migration20261207030000_drop_needs_attention } from './Migration20261207030000_drop_needs_attention';

/** Every migration, in order. Listed explicitly so that bundlers and tsx need no directory scan. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000000_initial', class: Migration20261125000000_initial },
  { name: 'Migration20261125010000_inbox_indexes', class: Migration20261125010000_inbox_indexes },
  { name: 'Migration20261125020000_active_search', class: Migration20261125020000_active_search },
  { name: 'Migration20261125030000_message_signal_pending', class: Migration20261125030000_message_signal_pending },
  {
    name: 'Migration20261125040000_case_workflow_start_pending',
    class: Migration20261125040000_case_workflow_start_pending,
  },
  { name: 'Migration20261203010000_idempotency_keys', class: Migration20261203010000_idempotency_keys },
  { name: 'Migration20261203020000_case_event_detail', class: Migration20261203020000_case_event_detail },
  { name: 'Migration20261207010000_drop_assigned_manually', class: Migration20261207010000_drop_assigned_manually },
  { name: 'Migration20261207020000_case_attention_due_at', class: Migration20261207020000_case_attention_due_at },
  { name: 'Migration20261207030000_drop_needs_attention', class: Migration20261207030000_drop_needs_attention },
];
