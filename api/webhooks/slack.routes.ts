import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import { decryptSecret } from '../../db/secrets';
import { findSlackSigningSecret } from '../../db/slack/slack-interactions';
import { checkResponseUrl, postEphemeralResponse } from '../../integrations/slack/slack-response-url';
import { ASSIGN_TO_ME_ACTION, RESOLVE_ACTION } from '../../integrations/slack/slack-messages';
import { problems } from '../http/problem';
import { performSlackClick, type SlackClick } from './slack-click';
import type { WebhookDeps } from './webhook-deps';

/** Slack's replay window: a signed request older (or newer) than this is refused. */
const MAX_CLOCK_SKEW_SECONDS = 300;

interface InteractionPayload {
  type?: string;
  team?: { id?: string };
  user?: { id?: string };
  trigger_id?: unknown;
  container?: { message_ts?: unknown };
  response_url?: unknown;
  actions?: Array<{ action_id?: string; value?: string; action_ts?: unknown }>;
}

/**
 * Slack interactivity: the buttons on case messages. Slack shows a click as failed unless it gets a
 * 200 within 3 s, and a case may take longer to answer (its worker busy, Temporal away), so a
 * verified click is answered at once and acted on after; what came of it (done, or why not) goes to
 * the clicking user as an ephemeral message through the payload's response_url. Only a bad signature
 * or a stale timestamp is refused (401).
 */
export function addSlackWebhookRoutes(
  router: Router,
  deps: Pick<WebhookDeps, 'orm' | 'temporal' | 'config' | 'logger' | 'updateDeadlineMs'>,
): void {
  router.post('/webhooks/slack/interactions', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const timestamp = req.get('x-slack-request-timestamp') ?? '';
    if (!isFresh(timestamp))
      throw problems.unauthorized('The X-Slack-Request-Timestamp header is missing or too far from now.');
    const { payload, text } = parsePayload(rawBody);
    const secret = await findSigningSecret(deps, payload.team?.id);
    if (
      !secret ||
      !verifySlackSignature({
        signingSecret: secret.signingSecret,
        timestamp,
        rawBody,
        header: req.get('x-slack-signature'),
      })
    ) {
      throw problems.unauthorized('The X-Slack-Signature header is missing or does not match the body.');
    }
    res.status(200).json({});
    const action = payload.type === 'block_actions' ? payload.actions?.[0] : undefined;
    if (!action || (action.action_id !== ASSIGN_TO_ME_ACTION && action.action_id !== RESOLVE_ACTION)) return;
    const click: SlackClick = {
      orgId: secret.orgId,
      actionId: action.action_id,
      caseId: stringOr(action.value),
      slackUserId: stringOr(payload.user?.id),
      updateId: updateIdOf(payload, text),
    };
    const responseUrl = checkResponseUrl({ url: payload.response_url, slackApiUrl: deps.config.SLACK_API_URL });
    void answerClick({ deps, click, responseUrl });
  });
}

/** After the 200: acts, then tells the user. Never throws: nothing is left to answer. */
async function answerClick(input: {
  deps: Pick<WebhookDeps, 'orm' | 'temporal' | 'logger' | 'updateDeadlineMs' | 'config'>;
  click: SlackClick;
  responseUrl: URL | null;
}): Promise<void> {
  const { deps, click } = input;
  let text: string;
  try {
    text = await performSlackClick(
      {
        ...deps,
        secretsKey: Buffer.from(deps.config.SECRETS_KEY, 'base64'),
        slackApiUrl: deps.config.SLACK_API_URL,
      },
      click,
    );
  } catch (error) {
    deps.logger?.error({ err: error, orgId: click.orgId, caseId: click.caseId }, 'Slack click failed');
    text = 'Something went wrong on our side; try again in a moment.';
  }
  if (!input.responseUrl) return;
  try {
    await postEphemeralResponse({ url: input.responseUrl, text });
  } catch (error) {
    deps.logger?.warn({ err: error, orgId: click.orgId }, "could not post a Slack click's outcome to its response_url");
  }
}

/**
 * Slack's ids for this click (the message's ts or the trigger, and the action's ts), else the
 * payload's digest: a retry by Slack (X-Slack-Retry-Num) carries the same payload, so the same id.
 */
function updateIdOf(payload: InteractionPayload, text: string): string {
  const message = stringOr(payload.container?.message_ts) ?? stringOr(payload.trigger_id);
  const actionTs = stringOr(payload.actions?.[0]?.action_ts);
  if (message && actionTs) return `slack:${message}:${actionTs}`;
  return `slack:${createHash('sha256').update(text).digest('base64url')}`;
}

const stringOr = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;

export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string;
  rawBody: string;
  header: string | undefined;
}): boolean {
  if (!input.header?.startsWith('v0=')) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', input.signingSecret).update(`v0:${input.timestamp}:${input.rawBody}`).digest('hex')}`,
    'utf8',
  );
  const offered = Buffer.from(input.header, 'utf8');
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

function isFresh(timestamp: string, nowMs = Date.now()): boolean {
  if (!/^\d+$/.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_SECONDS;
}

function parsePayload(rawBody: string): { payload: InteractionPayload; text: string } {
  const field = new URLSearchParams(rawBody).get('payload');
  if (!field) throw problems.malformedBody('The form has no payload field.');
  try {
    const parsed: unknown = JSON.parse(field);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return { payload: parsed as InteractionPayload, text: field };
  } catch {
    throw problems.malformedBody('The payload field is not a JSON object.');
  }
}

/** The payload is read before it is verified only to learn whose secret verifies it; nothing else in it is trusted until then. */
async function findSigningSecret(
  deps: Pick<WebhookDeps, 'orm' | 'config'>,
  teamId: string | undefined,
): Promise<{ orgId: string; signingSecret: string } | null> {
  if (typeof teamId !== 'string' || !teamId) return null;
  const found = await findSlackSigningSecret(deps.orm.em.fork(), teamId);
  if (!found) return null;
  return {
    orgId: found.orgId,
    signingSecret: decryptSecret({
      ciphertext: found.signingSecretEncrypted,
      key: Buffer.from(deps.config.SECRETS_KEY, 'base64'),
    }),
  };
}
