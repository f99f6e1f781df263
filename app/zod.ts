import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// zod 4 attaches methods when a schema is built: extend before any schema exists. Every schema an
// action validates with is also a REST route's (and so the OpenAPI document's), so all import z from here.
extendZodWithOpenApi(z);

export { z };
