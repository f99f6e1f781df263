import pino, { type Logger } from 'pino';

/** JSON logs; credentials are redacted wherever they appear in a logged object. */
export function createLogger(input: { level: string; name: string }): Logger {
  return pino({
    name: input.name,
    level: input.level,
    redact: {
      paths: [
        '*.authorization',
        '*.headers.authorization',
        '*.token',
        '*.password',
        '*.secret',
        '*.apiKey',
        '*.databaseUrl',
        'req.headers.authorization',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}
export type { Logger };
