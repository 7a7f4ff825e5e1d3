import { createHash } from 'node:crypto';
import type { RestReply } from './rest.js';

/**
 * Discord's rate limits, as the API announces and enforces them (topics/rate-limits.mdx): each route and major
 * parameter (the channel here) is a bucket of `limit` requests per window, told in X-RateLimit-* headers on every
 * answer; past it, a 429 with `retry_after`. Besides, a bot may send `globalPerSecond` requests a second in all
 * (interaction callbacks and webhooks are not counted); past that, a 429 with `X-RateLimit-Global`.
 *
 * Discord does not document each route's limit and changes them without notice: tests choose them.
 */
export interface RateLimits {
  /** Requests per bucket (one route, one channel) in each window. */
  readonly perRoute: { readonly limit: number; readonly windowMs: number };
  /** Requests a second with the bot's token in all; Discord's default is 50. */
  readonly globalPerSecond: number;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #buckets = new Map<string, Bucket>();
  #globalWindowStart = 0;
  #globalCount = 0;

  constructor(limits: RateLimits) {
    this.#limits = limits;
  }

  /**
   * Counts a request against its bucket and the global limit: the 429 to answer with, or the headers of the answer.
   * `route` is the route's pattern (`PATCH /channels/:channel/messages/:message`), `major` its channel.
   */
  take(route: string, major: string, now = Date.now()): { refused: RestReply } | { headers: Record<string, string> } {
    if (now - this.#globalWindowStart >= 1000) {
      this.#globalWindowStart = now;
      this.#globalCount = 0;
    }
    if (this.#globalCount >= this.#limits.globalPerSecond) {
      const retryAfter = (this.#globalWindowStart + 1000 - now) / 1000;
      return {
        refused: {
          status: 429,
          headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
        },
      };
    }
    this.#globalCount++;

    const { limit, windowMs } = this.#limits.perRoute;
    const key = `${route}:${major}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined || now >= bucket.resetAt) {
      bucket = { remaining: limit, resetAt: now + windowMs };
      this.#buckets.set(key, bucket);
    }
    const resetAfter = (bucket.resetAt - now) / 1000;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-reset': String(bucket.resetAt / 1000),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      // One hash per route, as Discord's: the major parameter is not part of it.
      'x-ratelimit-bucket': createHash('md5').update(route).digest('hex'),
    };
    if (bucket.remaining === 0) {
      return {
        refused: {
          status: 429,
          headers: { ...headers, 'x-ratelimit-remaining': '0', 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' },
          body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
        },
      };
    }
    bucket.remaining--;
    return { headers: { ...headers, 'x-ratelimit-remaining': String(bucket.remaining) } };
  }
}
