import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** Interaction and webhook URLs carry a token that lets anyone answer in the bot's name for 15 minutes. */
function withoutTokens(url: string): string {
  return url.replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/?#]+/g, '/$1/[token]');
}

/**
 * Errors as pino logs them, minus what must not reach a log: the body of a failed Discord request (it holds the
 * question and the answer) and the tokens in its URL.
 */
function serializeError(error: Error): object {
  const serialized: Record<string, unknown> = { ...stdSerializers.err(error) };
  delete serialized.requestBody;
  if (typeof serialized.url === 'string') serialized.url = withoutTokens(serialized.url);
  return serialized;
}

/** JSON lines on stdout (or `destination`). The bot's token is never passed to a log call; `redact` is the net under that. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined,
    serializers: { err: serializeError },
    redact: { paths: ['token', '*.token', 'headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
