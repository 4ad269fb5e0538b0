// Logs with pino: JSON to stderr, level from HEARTH_LOG_LEVEL; tokens are redacted wherever they appear.
import pino, { type Logger } from 'pino';

/** The process logger; stderr so that replay's stdout stays pure JSON lines. */
export function createLogger(level = process.env.HEARTH_LOG_LEVEL ?? 'warn'): Logger {
  return pino(
    {
      level,
      redact: { paths: ['token', '*.token', 'config.telegramToken', 'headers.authorization', '*.secret'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

/** A logger that writes nothing (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
