import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Response, type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { decryptSecret } from '../../db/secrets';
import { ASSIGN_TO_ME_ACTION, RESOLVE_ACTION } from '../../integrations/slack/slack-messages';
import { assignUpdate, setStatusUpdate, type Actor } from '../../workflows/case.contract';
import { runCaseUpdate } from '../cases/case-updates';
import { ProblemError, problems } from '../http/problem';
import type { WebhookDeps } from './webhooks.router';

/** Slack's replay window: a signed request older (or newer) than this is refused. */
const MAX_CLOCK_SKEW_SECONDS = 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface InteractionPayload {
  type?: string;
  team?: { id?: string };
  user?: { id?: string };
  actions?: Array<{ action_id?: string; value?: string }>;
}

/**
 * Slack interactivity: the buttons on case messages. Slack needs a 200 within 3 s, and shows anything
 * else as a failure to the clicking user, so refusals (unknown user, case not found, a transition the
 * case refuses) are 200s whose text says why. Only a bad signature or a stale timestamp is a 401.
 */
export function addSlackWebhookRoutes(router: Router, deps: Pick<WebhookDeps, 'orm' | 'temporal' | 'config'>): void {
  router.post('/webhooks/slack/interactions', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const timestamp = req.get('x-slack-request-timestamp') ?? '';
    if (!isFresh(timestamp)) throw problems.unauthorized('The X-Slack-Request-Timestamp header is missing or too far from now.');
    const payload = parsePayload(rawBody);
    const secret = await findSigningSecret(deps, payload.team?.id);
    if (!secret || !verifySlackSignature({ signingSecret: secret.signingSecret, timestamp, rawBody, header: req.get('x-slack-signature') })) {
      throw problems.unauthorized('The X-Slack-Signature header is missing or does not match the body.');
    }
    const action = payload.type === 'block_actions' ? payload.actions?.[0] : undefined;
    if (!action || (action.action_id !== ASSIGN_TO_ME_ACTION && action.action_id !== RESOLVE_ACTION)) {
      res.status(200).json({});
      return;
    }
    const userId = await findTeamMember(deps.orm, { orgId: secret.orgId, slackUserId: payload.user?.id });
    if (!userId) return reply(res, 'Link your Slack account first: ask an admin to add your Slack user id to your profile.');
    const workflowId = await findCaseWorkflow(deps.orm, { orgId: secret.orgId, caseId: action.value });
    if (!workflowId) return reply(res, 'Case not found.');

    const actor: Actor = { type: 'agent', userId };
    const updateId = `slack:${randomUUID()}`;
    try {
      if (action.action_id === ASSIGN_TO_ME_ACTION) {
        await runCaseUpdate({ temporal: deps.temporal.client, workflowId, update: assignUpdate, arg: { assigneeId: userId, actor, manual: true }, updateId });
        return reply(res, 'The case is assigned to you.');
      }
      await runCaseUpdate({ temporal: deps.temporal.client, workflowId, update: setStatusUpdate, arg: { to: 'resolved', actor }, updateId });
      return reply(res, 'The case is resolved.');
    } catch (error) {
      if (error instanceof ProblemError) return reply(res, error.detail);
      throw error;
    }
  });
}

export function verifySlackSignature(input: { signingSecret: string; timestamp: string; rawBody: string; header: string | undefined }): boolean {
  if (!input.header?.startsWith('v0=')) return false;
  const expected = Buffer.from(`v0=${createHmac('sha256', input.signingSecret).update(`v0:${input.timestamp}:${input.rawBody}`).digest('hex')}`, 'utf8');
  const offered = Buffer.from(input.header, 'utf8');
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

function isFresh(timestamp: string, nowMs = Date.now()): boolean {
  if (!/^\d+$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_SECONDS;
}

function reply(res: Response, text: string): void {
  res.status(200).json({ response_type: 'ephemeral', replace_original: false, text });
}

function parsePayload(rawBody: string): InteractionPayload {
  const field = new URLSearchParams(rawBody).get('payload');
  if (!field) throw problems.malformedBody('The form has no payload field.');
  try {
    const parsed: unknown = JSON.parse(field);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed as InteractionPayload;
  } catch {
    throw problems.malformedBody('The payload field is not a JSON object.');
  }
}

/** The payload is read before it is verified only to learn whose secret verifies it; nothing else in it is trusted until then. */
async function findSigningSecret(deps: Pick<WebhookDeps, 'orm' | 'config'>, teamId: string | undefined): Promise<{ orgId: string; signingSecret: string } | null> {
  if (!teamId) return null;
  const rows: Array<{ org_id: string; signing_secret_encrypted: string | null }> = await deps.orm.em.fork().execute(
    `select org_id, signing_secret_encrypted from slack_connections where team_id = ? and enabled`, [teamId]);
  const row = rows[0];
  if (!row?.signing_secret_encrypted) return null;
  return { orgId: row.org_id, signingSecret: decryptSecret({ ciphertext: row.signing_secret_encrypted, key: Buffer.from(deps.config.SECRETS_KEY, 'base64') }) };
}

/** Partners act only on the cases they opened, through the API; Slack buttons are for the team. */
async function findTeamMember(orm: MikroORM, input: { orgId: string; slackUserId: string | undefined }): Promise<string | null> {
  if (!input.slackUserId) return null;
  const rows: Array<{ id: string }> = await orm.em.fork().execute(
    `select id from users where org_id = ? and slack_user_id = ? and deactivated_at is null and role in ('admin', 'agent')`, [input.orgId, input.slackUserId]);
  return rows[0]?.id ?? null;
}

async function findCaseWorkflow(orm: MikroORM, input: { orgId: string; caseId: string | undefined }): Promise<string | null> {
  if (!input.caseId || !UUID.test(input.caseId)) return null;
  const rows: Array<{ workflow_id: string }> = await orm.em.fork().execute(
    `select workflow_id from cases where id = ? and org_id = ?`, [input.caseId, input.orgId]);
  return rows[0]?.workflow_id ?? null;
}
