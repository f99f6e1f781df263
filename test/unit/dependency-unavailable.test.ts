import { ServiceError } from '@temporalio/client';
import { isDependencyUnavailable } from '../../app/dependency-unavailable';

const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('a dependency that cannot be reached answers 503', () => {
  it('counts Temporal unreachable, timed out, or cut off mid-call', () => {
    expect(
      isDependencyUnavailable(
        new ServiceError('Failed to signalWithStart', {
          cause: grpcError(14, '14 UNAVAILABLE: No connection established'),
        }),
      ),
    ).toBe(true);
    expect(isDependencyUnavailable(grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded'))).toBe(true);
    expect(
      isDependencyUnavailable(
        new ServiceError('Failed', { cause: grpcError(13, '13 INTERNAL: Received RST_STREAM with code 2') }),
      ),
    ).toBe(true);
    expect(isDependencyUnavailable(grpcError(1, '1 CANCELLED: Call cancelled'))).toBe(true);
  });

  it('counts PostgreSQL connection failures', () => {
    expect(
      isDependencyUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isDependencyUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not count errors of the request itself', () => {
    expect(isDependencyUnavailable(grpcError(3, '3 INVALID_ARGUMENT: bad search attribute'))).toBe(false);
    expect(isDependencyUnavailable(grpcError(13, '13 INTERNAL: unexpected server error'))).toBe(false);
    expect(isDependencyUnavailable(new Error('duplicate key value violates unique constraint'))).toBe(false);
  });
});
