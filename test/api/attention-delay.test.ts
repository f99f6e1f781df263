import type { CaseToStart } from '../../app/case-lifecycle/start-case-workflow';
import { FakeSlackApi } from '../fakes/fake-slack-api';
import { ApiHarness, createApiUser, type ApiUser } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { createTestOrganization } from '../support/organization-fixture';

jest.setTimeout(180_000);

const SHORT_SECONDS = 3;
const LONG_SECONDS = 3_600;

/**
 * A case keeps the attention delay it started with. After the organization changes its delay, the
 * inbox filter and its count, the case page, the Temporal UI's search attribute and Slack all say the
 * same for cases started before and after the change.
 */
describe('the attention delay a case started with', () => {
  let slack: FakeSlackApi;
  let api: ApiHarness;
  let agent: ApiUser;
  let orgId: string;

  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    api = await ApiHarness.start('attention-delay', { slackApiUrl: slack.url });
    const em = api.orm.em.fork();
    orgId = (await createTestOrganization(em, { slack: { botToken: 'xoxb-test', defaultChannel: 'C-SUPPORT' } })).id;
    agent = await createApiUser(api.orm, { orgId, role: 'agent' });
  });
  afterAll(async () => {
    await api.stop();
    await slack.stop();
  });

  const setDelay = (seconds: number) =>
    api.orm.em.fork().execute(`update organizations set attention_after_seconds = ? where id = ?`, [seconds, orgId]);
  const openCase = async (): Promise<CaseToStart> => {
    const kase = await api.cases.createCase({ orgId, channel: 'email' });
    await api.cases.customerWrites(kase);
    return kase;
  };
  const notifiedCases = () =>
    slack
      .succeeded('chat.postMessage')
      .filter((call) => JSON.stringify(call.args.metadata ?? '').includes('needs_attention'))
      .map((call) => JSON.stringify(call.args));
  const slackSaysAttention = (kase: CaseToStart) => notifiedCases().some((args) => args.includes(kase.caseId));

  async function whatEveryPlaceSays(kase: CaseToStart) {
    const filtered = await api.call({ path: '/api/v1/cases?filter=needs_attention', token: agent.token });
    const page = await api.call({ path: `/api/v1/cases/${kase.caseId}`, token: agent.token });
    const description = await api.cases.handle(kase).describe();
    const searchAttribute = description.searchAttributes.NeedsAttention?.[0] ?? null;
    return {
      inbox: (filtered.body.items as Array<{ id: string }>).some((item) => item.id === kase.caseId),
      casePage: page.body.needsAttention as boolean,
      temporalUi: searchAttribute,
      slack: slackSaysAttention(kase),
    };
  }

  it('flags a case under its own delay, whether the organization lowered or raised it since', async () => {
    await setDelay(LONG_SECONDS);
    const startedUnderLongDelay = await openCase();
    await setDelay(SHORT_SECONDS);
    const startedUnderShortDelay = await openCase();

    // The short case's workflow flags it after its delay, and Slack hears of it.
    await eventually(async () => slackSaysAttention(startedUnderShortDelay), Boolean, 60_000);
    await eventually(
      () => whatEveryPlaceSays(startedUnderShortDelay),
      (said) => said.casePage && said.inbox && said.temporalUi === true,
      30_000,
    );
    // Raised again: the flagged case stays flagged, and the long one is not due for an hour.
    await setDelay(LONG_SECONDS);

    expect(await whatEveryPlaceSays(startedUnderShortDelay)).toEqual({
      inbox: true,
      casePage: true,
      temporalUi: true,
      slack: true,
    });
    expect(await whatEveryPlaceSays(startedUnderLongDelay)).toEqual({
      inbox: false,
      casePage: false,
      temporalUi: false,
      slack: false,
    });
    const counts = await api.call({ path: '/api/v1/cases/counts', token: agent.token });
    expect(counts.body.needs_attention).toBe(1);
  });
});
