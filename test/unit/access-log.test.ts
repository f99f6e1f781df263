import { accessLogLevel, SLOW_REQUEST_MS } from '../../api/http/request-context';

describe('the access log', () => {
  it('keeps routine requests at the routine level (debug in development)', () => {
    expect(accessLogLevel({ status: 200, ms: 3, routineLevel: 'debug' })).toBe('debug');
    expect(accessLogLevel({ status: 201, ms: 3, routineLevel: 'info' })).toBe('info');
  });

  it('logs client errors and slow requests at info, and server errors as warnings, whatever the routine level', () => {
    expect(accessLogLevel({ status: 404, ms: 3, routineLevel: 'debug' })).toBe('info');
    expect(accessLogLevel({ status: 200, ms: SLOW_REQUEST_MS, routineLevel: 'debug' })).toBe('info');
    expect(accessLogLevel({ status: 503, ms: 3, routineLevel: 'debug' })).toBe('warn');
  });
});
