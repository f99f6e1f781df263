/** Cases, messages, attachments, read marks, the timeline and delivery records. Part of the initial migration (Migration20261125000000_initial.ts); never edited after it ran. */
export function createCaseTables(addSql: (sql: string) => void): void {
  addSql(`
      create table cases (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        number integer not null,
        workflow_id text not null unique,
        channel text not null check (channel in ('email', 'instagram', 'facebook', 'phone', 'widget', 'partner', 'manual')),
        status text not null default 'open' check (status in ('open', 'in_progress', 'waiting_for_customer', 'resolved')),
        resolution text check (resolution in ('manual', 'auto')),
        archived boolean not null default false,
        subject text not null default '',
        customer_id uuid references customers (id) on delete set null,
        device_id uuid references devices (id) on delete set null,
        thread_id uuid references threads (id) on delete set null,
        previous_case_id uuid references cases (id) on delete set null,
        assignee_id uuid references users (id) on delete set null,
        assigned_manually boolean not null default false,
        category_id uuid references categories (id) on delete set null,
        created_by_user_id uuid references users (id) on delete set null,
        important boolean not null default false,
        needs_attention boolean not null default false,
        window_expires_at timestamptz,
        opened_at timestamptz not null default now(),
        resolved_at timestamptz,
        archived_at timestamptz,
        last_customer_message_at timestamptz,
        last_message_at timestamptz,
        last_message_snippet text,
        lifecycle_ended_at timestamptz,
        version bigint not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, number),
        check (archived = false or status = 'resolved'),
        check ((status = 'resolved') = (resolved_at is not null))
      );`);
  // One live case per thread: a message either continues it or, once its lifecycle ended, starts a new one.
  addSql(
    `create unique index cases_one_live_per_thread_idx on cases (thread_id) where lifecycle_ended_at is null and thread_id is not null;`,
  );
  addSql(`create index cases_inbox_updated_idx on cases (org_id, archived, status, updated_at desc, id desc);`);
  addSql(`create index cases_inbox_created_idx on cases (org_id, archived, status, created_at desc, id desc);`);
  addSql(
    `create index cases_assignee_idx on cases (org_id, assignee_id, status, updated_at desc) where archived = false;`,
  );
  addSql(
    `create index cases_unassigned_idx on cases (org_id, status, updated_at desc) where assignee_id is null and archived = false;`,
  );
  addSql(
    `create index cases_important_idx on cases (org_id, status, updated_at desc) where important and archived = false;`,
  );
  addSql(`create index cases_attention_idx on cases (org_id, opened_at) where status <> 'resolved';`);
  addSql(
    `create index cases_window_idx on cases (org_id, window_expires_at) where window_expires_at is not null and status <> 'resolved';`,
  );
  addSql(`create index cases_category_idx on cases (org_id, category_id, status);`);
  addSql(`create index cases_channel_idx on cases (org_id, channel, status);`);
  addSql(`create index cases_customer_idx on cases (customer_id);`);
  addSql(`create index cases_creator_idx on cases (org_id, created_by_user_id) where created_by_user_id is not null;`);
  addSql(`create index cases_subject_search_idx on cases using gin (subject gin_trgm_ops);`);

  addSql(`
      create table messages (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        thread_id uuid references threads (id) on delete set null,
        channel text not null,
        direction text not null check (direction in ('inbound', 'outbound', 'internal')),
        kind text not null default 'message' check (kind in ('message', 'comment', 'note', 'call', 'system')),
        author_type text not null check (author_type in ('customer', 'agent', 'bot', 'system')),
        author_user_id uuid references users (id) on delete set null,
        provider_message_id text,
        rfc_message_id text,
        subject text,
        body text not null default '',
        original_body text,
        metadata jsonb not null default '{}'::jsonb,
        delivery_status text not null default 'received' check (delivery_status in ('received', 'pending', 'sent', 'delivered', 'failed', 'not_sent')),
        delivery_error text,
        sent_at timestamptz,
        occurred_at timestamptz not null default now(),
        created_at timestamptz not null default now()
      );`);
  // The provider's id is the idempotency key, scoped by organization and channel so one tenant can never suppress another's message.
  addSql(
    `create unique index messages_provider_id_idx on messages (org_id, channel, provider_message_id) where provider_message_id is not null;`,
  );
  addSql(`create index messages_case_idx on messages (case_id, occurred_at, id);`);
  addSql(`create index messages_rfc_id_idx on messages (org_id, rfc_message_id) where rfc_message_id is not null;`);
  addSql(`create index messages_body_search_idx on messages using gin (body gin_trgm_ops);`);

  addSql(`
      create table attachments (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        message_id uuid not null references messages (id) on delete cascade,
        kind text not null check (kind in ('image', 'audio', 'video', 'file', 'recording', 'link')),
        url text,
        name text,
        content_type text,
        size_bytes integer,
        duration_seconds integer,
        provider_id text,
        created_at timestamptz not null default now()
      );`);
  addSql(`create index attachments_message_idx on attachments (message_id);`);
  addSql(
    `create unique index attachments_provider_idx on attachments (org_id, provider_id) where provider_id is not null;`,
  );

  addSql(`
      create table read_marks (
        user_id uuid not null references users (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        org_id uuid not null references organizations (id) on delete cascade,
        read_at timestamptz not null,
        primary key (user_id, case_id)
      );`);

  addSql(`
      create table case_events (
        id bigserial primary key,
        org_id uuid not null references organizations (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        version bigint not null,
        type text not null,
        actor_type text not null check (actor_type in ('customer', 'agent', 'system', 'ai', 'routing', 'partner')),
        actor_user_id uuid references users (id) on delete set null,
        changes jsonb not null default '{}'::jsonb,
        occurred_at timestamptz not null,
        unique (case_id, version)
      );`);

  addSql(`
      create table webhook_deliveries (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        provider text not null,
        delivery_key text not null,
        received_at timestamptz not null default now(),
        unique (org_id, provider, delivery_key)
      );`);

  addSql(`
      create table slack_threads (
        case_id uuid primary key references cases (id) on delete cascade,
        org_id uuid not null references organizations (id) on delete cascade,
        channel_id text not null,
        root_ts text not null,
        created_at timestamptz not null default now()
      );`);

  addSql(`
      create table notification_deliveries (
        org_id uuid not null references organizations (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        notification_key text not null,
        provider_ref text,
        delivered_at timestamptz not null default now(),
        primary key (case_id, notification_key)
      );`);
}
