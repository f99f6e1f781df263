/** An RFC 9457 problem. `type` is a stable identifier clients can switch on. */
export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_TYPE_BASE = 'https://casebackend.dev/problems/';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toBody(instance?: string) {
    return {
      type: `${PROBLEM_TYPE_BASE}${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.fieldErrors.length > 0 ? { errors: this.fieldErrors } : {}),
    };
  }
}

export const problems = {
  notFound: (detail = 'The resource does not exist.') => new ProblemError(404, 'not-found', 'Not found', detail),
  validation: (fieldErrors: FieldError[]) =>
    new ProblemError(400, 'validation', 'Invalid request', 'The request is not valid; see errors.', fieldErrors),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new ProblemError(401, 'unauthorized', 'Unauthorized', detail),
  forbidden: (detail = 'Your role does not allow this.') => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  conflict: (detail: string, code = 'conflict') => new ProblemError(409, code, 'Conflict', detail),
  unprocessable: (detail: string, code = 'unprocessable') => new ProblemError(422, code, 'Unprocessable', detail),
  payloadTooLarge: () =>
    new ProblemError(413, 'payload-too-large', 'Payload too large', 'The request body is larger than allowed.'),
  unsupportedMediaType: (detail: string) =>
    new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', detail),
  malformedBody: (detail: string) => new ProblemError(400, 'malformed-body', 'Malformed body', detail),
  tooManyRequests: (detail: string) => new ProblemError(429, 'rate-limited', 'Too many requests', detail),
  unavailable: (detail: string) => new ProblemError(503, 'unavailable', 'Service unavailable', detail),
  internal: () =>
    new ProblemError(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.'),
};
