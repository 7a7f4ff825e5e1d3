import { Client, GatewayIntentBits, type ClientOptions, type WebSocketOptions } from 'discord.js';
import type { DiscordEmulator } from './emulator.js';

/** What `ws.buildIdentifyThrottler` must produce (@discordjs/ws's IIdentifyThrottler, reached through discord.js). */
export type IdentifyThrottler = Awaited<ReturnType<NonNullable<WebSocketOptions['buildIdentifyThrottler']>>>;

/**
 * Lets every shard identify at once. discord.js otherwise waits 5 s between IDENTIFYs sharing a
 * bucket, which a test reconnecting with a fresh session would sit through.
 */
export function fastIdentifyThrottler(): IdentifyThrottler {
  return { waitForIdentify: () => Promise.resolve() };
}

/**
 * A discord.js client wired to the emulator: Guilds intent, REST and gateway on the emulator,
 * as many shards as the emulator recommends (discord.js runs a single shard unless told
 * `shards: 'auto'`), no identify pauses, no global REST limit in the way, and no pings unless a
 * message names them. Log it in with `client.login(emulator.token)` and wait for `Events.ClientReady`.
 */
export function createTestClient(emulator: DiscordEmulator, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    shards: 'auto',
    ...extra,
    rest: { globalRequestsPerSecond: 10_000, ...extra.rest, api: emulator.apiUrl },
    ws: { buildIdentifyThrottler: () => fastIdentifyThrottler(), ...extra.ws },
  });
}
