import { checkResponseUrl } from '../../integrations/slack/slack-response-url';

describe("a Slack click's response_url", () => {
  it("is used only on Slack's hooks host, or on the configured Slack API's origin", () => {
    expect(checkResponseUrl({ url: 'https://hooks.slack.com/actions/T1/123/abc' })?.href).toBe(
      'https://hooks.slack.com/actions/T1/123/abc',
    );
    expect(
      checkResponseUrl({ url: 'http://127.0.0.1:4100/actions/T1/x', slackApiUrl: 'http://127.0.0.1:4100/api/' })?.href,
    ).toBe('http://127.0.0.1:4100/actions/T1/x');
    for (const url of [
      'http://hooks.slack.com/actions/T1/123/abc',
      'https://hooks.slack.com.evil.example/x',
      'https://evil.example/hooks.slack.com',
      'https://user:pass@hooks.slack.com/x',
      'https://hooks.slack.com:8443/x',
      'http://127.0.0.1:4101/actions/T1/x',
      'not a url',
      '',
      42,
      null,
      undefined,
    ]) {
      expect(checkResponseUrl({ url, slackApiUrl: 'http://127.0.0.1:4100/api/' })).toBeNull();
    }
  });
});
