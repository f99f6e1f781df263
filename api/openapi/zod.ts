import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// zod 4 attaches methods when a schema is built: extend before any API schema exists.
extendZodWithOpenApi(z);

export { z };
