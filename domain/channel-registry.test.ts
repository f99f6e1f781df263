import {
  CHANNELS,
  COMMENT_THREAD_CHANNELS,
  CONNECTED_CHANNELS,
  TIME_SENSITIVE_CHANNELS,
  isTimeSensitiveChannel,
} from './channel-registry';

describe('the channel registry', () => {
  it('lists every channel once, in the order the API documents them', () => {
    expect(CHANNELS).toEqual(['email', 'instagram', 'facebook', 'phone', 'widget', 'partner', 'manual']);
  });

  it('derives each list from the traits', () => {
    expect(CONNECTED_CHANNELS).toEqual(['email', 'instagram', 'facebook', 'phone', 'widget']);
    expect(TIME_SENSITIVE_CHANNELS).toEqual(['instagram', 'facebook']);
    expect(COMMENT_THREAD_CHANNELS).toEqual(['instagram', 'facebook']);
    expect(CHANNELS.filter(isTimeSensitiveChannel)).toEqual(TIME_SENSITIVE_CHANNELS);
  });
});
