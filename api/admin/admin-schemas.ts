import { z } from '../openapi/zod';

/** Any string: a malformed id answers 404 like a missing one, so ids cannot be probed for shape. */
export const idParams = z.object({ id: z.string().max(100) });
export const emptyBody = z.strictObject({});
