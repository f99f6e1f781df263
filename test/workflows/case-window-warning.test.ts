import { FakeSlackApi } from '../fakes/fake-slack-api';
import { createTestOrganization } from '../support/organization-fixture';
import { CaseHarness } from './case-harness';

const HOUR = 3_600_000;

describe('a time-sensitive case whose reply window is about to close', () => {
  let slack: FakeSlackApi;
  let harness: CaseHarness;
  beforeAll(async () => {
    slack = await FakeSlackApi.start();
    harness = await CaseHarness.start('window-warning', { slackApiUrl: slack.url });
  });
  afterAll(async () => {
    await harness.stop();
    await slack.stop();
  });

  const windowWarnings = () =>
    slack
      .succeeded('chat.postMessage')
      .filter((call) => String(call.args.text).includes('reply window closes within the hour'));

  it('warns the team once, an hour before the window closes, while no reply was sent', async () => {
    const org = await createTestOrganization(harness.orm.em.fork(), {
      slack: { botToken: 'xoxb-test', defaultChannel: 'C-META' },
    });
    const kase = await harness.openCase({ orgId: org.id, channel: 'instagram' });
    await harness.env.sleep(22 * HOUR);
    expect(windowWarnings()).toHaveLength(0);
    await harness.env.sleep(90 * 60_000);
    const deadline = Date.now() + 10_000;
    while (windowWarnings().length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(windowWarnings()).toHaveLength(1);
    expect(windowWarnings()[0].args.thread_ts).toBeTruthy();
    await harness.env.sleep(2 * HOUR);
    expect(windowWarnings()).toHaveLength(1);
    expect(kase.channel).toBe('instagram');
    await harness.recordHistory(kase, 'slack-window-warning');
  });
});
