/**
 * Input the inbox cannot answer: an unknown filter or sort, a malformed or foreign cursor, a value
 * of the wrong shape. `field` names the request parameter so the route can report a field error.
 */
export class InboxQueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'InboxQueryError';
  }
}
