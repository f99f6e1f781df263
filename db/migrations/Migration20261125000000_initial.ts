import { Migration } from '@mikro-orm/migrations';

/**
 * The whole read model. Written by hand rather than generated so that partial and trigram
 * indexes, check constraints and the one-active-case-per-thread rule are explicit.
 */
export class Migration20261125000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create extension if not exists citext;`);

    this.addSql(`
      create table organizations (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text not null,
        plan text not null default 'standard' check (plan in ('standard', 'enterprise')),
        reopen_window_seconds integer not null default 604800 check (reopen_window_seconds > 0),
        messaging_window_seconds integer not null default 86400 check (messaging_window_seconds > 0),
        attention_after_seconds integer not null default 259200 check (attention_after_seconds > 0),
        human_agent_tag_enabled boolean not null default false,
        categorizer text not null default 'local' check (categorizer in ('local', 'llm')),
        support_email text,
        widget_secret_encrypted text,
        widget_identity_required boolean not null default false,
        webhook_secret_encrypted text,
        next_case_number integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table users (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        email citext not null,
        name text not null,
        role text not null check (role in ('admin', 'agent', 'partner')),
        available boolean not null default true,
        capacity integer check (capacity is null or capacity > 0),
        slack_user_id text,
        deactivated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, email),
        unique (org_id, id)
      );`);
    this.addSql(
      `create unique index users_slack_user_idx on users (org_id, slack_user_id) where slack_user_id is not null;`,
    );

    this.addSql(`
      create table api_tokens (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        name text not null,
        token_hash text not null unique,
        token_prefix text not null,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index api_tokens_user_idx on api_tokens (user_id);`);

    this.addSql(`
      create table slack_connections (
        org_id uuid primary key references organizations (id) on delete cascade,
        team_id text,
        bot_token_encrypted text not null,
        signing_secret_encrypted text,
        default_channel text not null,
        category_channels jsonb not null default '{}'::jsonb,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table channel_connections (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        channel text not null check (channel in ('email', 'instagram', 'facebook', 'phone', 'widget')),
        external_id text not null,
        display_name text,
        credentials_encrypted text,
        settings jsonb not null default '{}'::jsonb,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (channel, external_id)
      );`);
    this.addSql(`create index channel_connections_org_idx on channel_connections (org_id, channel);`);

    this.addSql(`
      create table customers (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        name text,
        email citext,
        phone text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, id)
      );`);
    this.addSql(`create index customers_org_email_idx on customers (org_id, email) where email is not null;`);
    this.addSql(`create index customers_org_phone_idx on customers (org_id, phone) where phone is not null;`);
    this.addSql(
      `create index customers_search_idx on customers using gin ((coalesce(name, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, '')) gin_trgm_ops);`,
    );

    this.addSql(`
      create table customer_identities (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        customer_id uuid not null references customers (id) on delete cascade,
        channel text not null,
        external_id text not null,
        display_name text,
        created_at timestamptz not null default now(),
        unique (org_id, channel, external_id)
      );`);
    this.addSql(`create index customer_identities_customer_idx on customer_identities (customer_id);`);

    this.addSql(`
      create table devices (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        customer_id uuid references customers (id) on delete set null,
        serial_number text not null,
        model text not null,
        firmware_version text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (org_id, serial_number)
      );`);
    this.addSql(`create index devices_customer_idx on devices (customer_id);`);

    this.addSql(`
      create table categories (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        name text not null,
        description text,
        auto_resolve boolean not null default false,
        slack_channel text,
        examples text[] not null default '{}',
        position integer not null default 0,
        deleted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(
      `create unique index categories_org_name_idx on categories (org_id, lower(name)) where deleted_at is null;`,
    );

    this.addSql(`
      create table routing_rules (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        position integer not null,
        name text not null,
        enabled boolean not null default true,
        conditions jsonb not null default '{}'::jsonb,
        action jsonb not null,
        round_robin_cursor integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index routing_rules_org_idx on routing_rules (org_id, position);`);

    this.addSql(`
      create table threads (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        channel text not null,
        customer_id uuid references customers (id) on delete set null,
        external_ref text,
        subject text,
        reply_token text not null unique,
        created_at timestamptz not null default now()
      );`);
    this.addSql(
      `create unique index threads_external_ref_idx on threads (org_id, channel, external_ref) where external_ref is not null;`,
    );

    this.addSql(`
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
    this.addSql(
      `create unique index cases_one_live_per_thread_idx on cases (thread_id) where lifecycle_ended_at is null and thread_id is not null;`,
    );
    this.addSql(`create index cases_inbox_updated_idx on cases (org_id, archived, status, updated_at desc, id desc);`);
    this.addSql(`create index cases_inbox_created_idx on cases (org_id, archived, status, created_at desc, id desc);`);
    this.addSql(
      `create index cases_assignee_idx on cases (org_id, assignee_id, status, updated_at desc) where archived = false;`,
    );
    this.addSql(
      `create index cases_unassigned_idx on cases (org_id, status, updated_at desc) where assignee_id is null and archived = false;`,
    );
    this.addSql(
      `create index cases_important_idx on cases (org_id, status, updated_at desc) where important and archived = false;`,
    );
    this.addSql(`create index cases_attention_idx on cases (org_id, opened_at) where status <> 'resolved';`);
    this.addSql(
      `create index cases_window_idx on cases (org_id, window_expires_at) where window_expires_at is not null and status <> 'resolved';`,
    );
    this.addSql(`create index cases_category_idx on cases (org_id, category_id, status);`);
    this.addSql(`create index cases_channel_idx on cases (org_id, channel, status);`);
    this.addSql(`create index cases_customer_idx on cases (customer_id);`);
    this.addSql(
      `create index cases_creator_idx on cases (org_id, created_by_user_id) where created_by_user_id is not null;`,
    );
    this.addSql(`create index cases_subject_search_idx on cases using gin (subject gin_trgm_ops);`);

    this.addSql(`
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
    this.addSql(
      `create unique index messages_provider_id_idx on messages (org_id, channel, provider_message_id) where provider_message_id is not null;`,
    );
    this.addSql(`create index messages_case_idx on messages (case_id, occurred_at, id);`);
    this.addSql(
      `create index messages_rfc_id_idx on messages (org_id, rfc_message_id) where rfc_message_id is not null;`,
    );
    this.addSql(`create index messages_body_search_idx on messages using gin (body gin_trgm_ops);`);

    this.addSql(`
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
    this.addSql(`create index attachments_message_idx on attachments (message_id);`);
    this.addSql(
      `create unique index attachments_provider_idx on attachments (org_id, provider_id) where provider_id is not null;`,
    );

    this.addSql(`
      create table read_marks (
        user_id uuid not null references users (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        org_id uuid not null references organizations (id) on delete cascade,
        read_at timestamptz not null,
        primary key (user_id, case_id)
      );`);

    this.addSql(`
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

    this.addSql(`
      create table webhook_deliveries (
        id uuid primary key default gen_random_uuid(),
        org_id uuid not null references organizations (id) on delete cascade,
        provider text not null,
        delivery_key text not null,
        received_at timestamptz not null default now(),
        unique (org_id, provider, delivery_key)
      );`);

    this.addSql(`
      create table slack_threads (
        case_id uuid primary key references cases (id) on delete cascade,
        org_id uuid not null references organizations (id) on delete cascade,
        channel_id text not null,
        root_ts text not null,
        created_at timestamptz not null default now()
      );`);

    this.addSql(`
      create table notification_deliveries (
        org_id uuid not null references organizations (id) on delete cascade,
        case_id uuid not null references cases (id) on delete cascade,
        notification_key text not null,
        provider_ref text,
        delivered_at timestamptz not null default now(),
        primary key (case_id, notification_key)
      );`);
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
