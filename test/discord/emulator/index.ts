export { createTestClient, fastIdentifyThrottler } from './client.js';
export { DiscordEmulator, startEmulator, type EmulatorOptions } from './emulator.js';
export type { Exchange, ExchangeCall } from './exchange.js';
export type { FixtureMember } from './fixtures.js';
export { rateLimited } from './rest.js';
export type { RateLimits } from './rate-limits.js';
