import {
  createCategoryAsOperator,
  createOrganizationAsOperator,
  createUserAsOperator,
  issueTokenAsOperator,
  listUsersAsOperator,
  revokeTokenAsOperator,
  updateUserAsOperator,
  updateSettingsAsOperator,
} from '../../app/admin/operator-actions';
import { listOrganizations, type OrganizationSettings, type OrganizationView } from '../../app/admin/organizations';
import { seedDemoOrganization } from '../../app/admin/seed-demo';
import { USER_ROLES } from '../../db/entities';
import { caseCommands } from './case-commands';
import type { CliCommand } from './cli-command';
import type { FlagSpec } from './flags';
import { formatFields, formatTable, TOKEN_WARNING } from './format';
import { PLANS } from '../../domain/organization-plan';

const command = <Result>(definition: CliCommand<Result>): CliCommand => definition as CliCommand;

const org: FlagSpec = { kind: 'string', required: true, placeholder: 'slug', description: 'organization slug' };
const CATEGORIZERS = ['local', 'llm'] as const;
const plan: FlagSpec = { kind: 'choice', choices: PLANS, description: 'billing plan' };

const formatOrganization = (view: OrganizationView): string =>
  formatFields({
    id: view.id,
    slug: view.slug,
    name: view.name,
    plan: view.plan,
    'reopen window (s)': view.reopenWindowSeconds,
    'messaging window (s)': view.messagingWindowSeconds,
    'attention after (s)': view.attentionAfterSeconds,
    'human agent tag': view.humanAgentTagEnabled,
    categorizer: view.categorizer,
    'support email': view.supportEmail,
    created: view.createdAt,
  });

const formatSettings = (settings: OrganizationSettings): string =>
  formatFields({
    name: settings.name,
    plan: settings.plan,
    'reopen window (s)': settings.reopenWindowSeconds,
    'messaging window (s)': settings.messagingWindowSeconds,
    'attention after (s)': settings.attentionAfterSeconds,
    'human agent tag': settings.humanAgentTagEnabled,
    categorizer: settings.categorizer,
    'support email': settings.supportEmail,
    slack: settings.slack ? (settings.slack.connected ? 'connected' : 'disabled') : null,
    channels: settings.channels.length,
  });

const formatIssuedToken = (fields: Record<string, string>, token: string): string =>
  formatFields({ ...fields, token }) + `\n${TOKEN_WARNING}\n`;

export const commands: Record<string, CliCommand> = {
  'org:create': command({
    summary: 'Create an organization',
    flags: {
      slug: { kind: 'string', required: true, description: 'lowercase letters, digits and hyphens (2–63)' },
      name: { kind: 'string', required: true, description: 'display name' },
      plan: { ...plan, description: 'billing plan (default standard)' },
    },
    run: ({ em }, flags) =>
      createOrganizationAsOperator(em, {
        slug: flags.string('slug'),
        name: flags.string('name'),
        plan: flags.choice('plan', PLANS),
      }),
    format: formatOrganization,
  }),

  'org:list': command({
    summary: 'List organizations',
    flags: {},
    run: ({ em }) => listOrganizations({ em }),
    format: (organizations) =>
      formatTable(
        ['SLUG', 'NAME', 'PLAN', 'CATEGORIZER', 'SUPPORT EMAIL', 'CREATED'],
        organizations.map((o) => [o.slug, o.name, o.plan, o.categorizer, o.supportEmail, o.createdAt]),
      ),
  }),

  'org:settings': command({
    summary: "Change an organization's settings",
    flags: {
      org,
      name: { kind: 'string', description: 'display name' },
      'reopen-window-seconds': { kind: 'integer', description: 'how long a resolved case can be reopened by a reply' },
      'messaging-window-seconds': {
        kind: 'integer',
        description: 'how long after a customer message the channel allows replies',
      },
      'attention-after-seconds': { kind: 'integer', description: 'when an unresolved case needs attention' },
      'human-agent-tag': { kind: 'boolean', description: 'send replies with the human agent tag' },
      categorizer: { kind: 'choice', choices: CATEGORIZERS, description: 'which categorizer to use' },
      'support-email': { kind: 'string', placeholder: 'email', description: 'support address ("none" clears it)' },
      plan,
    },
    run: ({ em }, flags) => {
      const supportEmail = flags.optionalString('support-email');
      return updateSettingsAsOperator(em, {
        orgSlug: flags.string('org'),
        name: flags.optionalString('name'),
        reopenWindowSeconds: flags.integer('reopen-window-seconds'),
        messagingWindowSeconds: flags.integer('messaging-window-seconds'),
        attentionAfterSeconds: flags.integer('attention-after-seconds'),
        humanAgentTagEnabled: flags.boolean('human-agent-tag'),
        categorizer: flags.choice('categorizer', CATEGORIZERS),
        supportEmail: supportEmail === 'none' || supportEmail === '' ? null : supportEmail,
        plan: flags.choice('plan', PLANS),
      });
    },
    format: formatSettings,
  }),

  'user:create': command({
    summary: 'Create a user in an organization',
    flags: {
      org,
      email: { kind: 'string', required: true, description: 'login email (stored lower-case)' },
      name: { kind: 'string', required: true, description: 'display name' },
      role: { kind: 'choice', choices: USER_ROLES, required: true, description: 'partner needs an enterprise plan' },
      capacity: { kind: 'integer', description: 'most open cases routing may assign (default: no limit)' },
    },
    run: ({ em }, flags) =>
      createUserAsOperator(em, {
        orgSlug: flags.string('org'),
        email: flags.string('email'),
        name: flags.string('name'),
        role: flags.requiredChoice('role', USER_ROLES),
        capacity: flags.integer('capacity'),
      }),
    format: (user) =>
      formatFields({ id: user.id, email: user.email, name: user.name, role: user.role, capacity: user.capacity }),
  }),

  'user:slack': command({
    summary: "Link a user's Slack account, so the Slack buttons act as them (or unlink it)",
    flags: {
      org,
      email: { kind: 'string', required: true, description: "the user's email" },
      'slack-user-id': {
        kind: 'string',
        required: true,
        placeholder: 'U…',
        description: 'their Slack member id (profile → ⋮ → Copy member ID), or none to unlink',
      },
    },
    run: ({ em }, flags) => {
      const slackUserId = flags.string('slack-user-id');
      return updateUserAsOperator(em, {
        orgSlug: flags.string('org'),
        userEmail: flags.string('email'),
        slackUserId: slackUserId === 'none' ? null : slackUserId,
      });
    },
    format: (user) => formatFields({ email: user.email, name: user.name, 'slack member id': user.slackUserId }),
  }),

  'user:list': command({
    summary: "List an organization's users and their API tokens",
    flags: { org },
    run: ({ em }, flags) => listUsersAsOperator(em, { orgSlug: flags.string('org') }),
    format: (users) =>
      formatTable(
        ['EMAIL', 'NAME', 'ROLE', 'CAPACITY', 'ACTIVE TOKENS'],
        users.map((u) => [u.email, u.name, u.role, u.capacity, u.tokens.filter((t) => !t.revokedAt).length]),
      ) +
      '\nTokens:\n' +
      formatTable(
        ['USER', 'TOKEN ID', 'NAME', 'PREFIX', 'CREATED', 'REVOKED'],
        users.flatMap((u) => u.tokens.map((t) => [u.email, t.id, t.name, `${t.prefix}…`, t.createdAt, t.revokedAt])),
      ),
  }),

  'token:issue': command({
    summary: 'Issue an API token for a user (printed once)',
    flags: {
      org,
      email: { kind: 'string', required: true, description: "the user's email" },
      name: { kind: 'string', description: 'label shown in listings (default "cli")' },
    },
    run: async ({ em }, flags) => {
      const issued = await issueTokenAsOperator(em, {
        orgSlug: flags.string('org'),
        userEmail: flags.string('email'),
        name: flags.optionalString('name') ?? 'cli',
      });
      return { token: issued.token, tokenId: issued.id, prefix: issued.prefix };
    },
    format: (issued) => formatIssuedToken({ 'token id': issued.tokenId, prefix: issued.prefix }, issued.token),
  }),

  'token:revoke': command({
    summary: 'Revoke an API token (idempotent)',
    flags: {
      org,
      'token-id': { kind: 'string', required: true, placeholder: 'uuid', description: 'id from user:list' },
    },
    run: ({ em }, flags) =>
      revokeTokenAsOperator(em, { orgSlug: flags.string('org'), tokenId: flags.string('token-id') }),
    format: (revoked) =>
      `Token ${revoked.tokenId} ${revoked.alreadyRevoked ? 'was already revoked' : 'revoked'} at ${revoked.revokedAt}.\n`,
  }),

  'category:create': command({
    summary: 'Create a case category',
    flags: {
      org,
      name: { kind: 'string', required: true, description: 'category name (unique per organization)' },
      description: { kind: 'string', description: 'what belongs in it' },
      'auto-resolve': { kind: 'switch', description: 'resolve cases in this category automatically' },
      example: { kind: 'list', placeholder: 'message', description: 'example customer message (repeatable)' },
    },
    run: ({ em }, flags) =>
      createCategoryAsOperator(em, {
        orgSlug: flags.string('org'),
        name: flags.string('name'),
        description: flags.optionalString('description'),
        autoResolve: flags.boolean('auto-resolve'),
        examples: flags.list('example'),
      }),
    format: (category) =>
      formatFields({
        id: category.id,
        name: category.name,
        description: category.description,
        'auto-resolve': category.autoResolve,
        position: category.position,
      }),
  }),

  'seed:demo': command({
    summary: 'Create the demo organization (once; later runs change nothing)',
    flags: {},
    run: ({ em }) => seedDemoOrganization(em),
    format: (seeded) =>
      seeded.created
        ? formatIssuedToken({ organization: seeded.orgSlug, 'admin email': seeded.adminEmail }, seeded.token)
        : 'The demo organization already exists; nothing changed.\n',
  }),
  ...caseCommands,
};
