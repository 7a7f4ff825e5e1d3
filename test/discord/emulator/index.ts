export { createTestClient, fastIdentifyThrottler, type IdentifyThrottler } from './client.js';
export { DiscordEmulator, startEmulator, type EmulatorOptions, type InteractionOptions } from './emulator.js';
export type { CallKind, Exchange, ExchangeCall, InteractionResponse } from './exchange.js';
export type { FixtureMember } from './fixtures.js';
export type { UploadedFile } from './multipart.js';
export { rateLimited, type FaultMatch, type FaultResponse, type RecordedRequest } from './rest.js';
