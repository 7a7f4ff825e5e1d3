import {
  Client,
  DiscordjsErrorCodes,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  type ClientOptions,
} from 'discord.js';
import type { BotConfig } from '../config.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { BotContext } from './context.js';
import { handleInteraction } from './interactions.js';

export type BotSettings = Pick<BotConfig, 'token' | 'apiUrl' | 'sourceBaseUrl'>;

export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor() {
    super(
      'Discord rejected DISCORD_TOKEN. Reset the token in the Discord Developer Portal ' +
        '(your application → Bot → Reset Token) and put the new one in .env.',
    );
  }
}

/** Discord closed the gateway for good (bad intents, sharding required…): the bot cannot go on. */
export class GatewayClosedError extends Error {
  override name = 'GatewayClosedError';
  constructor(readonly code: number) {
    super(`Discord closed the gateway connection with code ${code} (${GatewayCloseCodes[code] ?? 'unknown'}).`);
  }
}

export interface BotOptions {
  /** Merged over the bot's own client options (tests use it for a faster identify throttle). */
  readonly clientOptions?: Partial<ClientOptions>;
  /** Called once when Discord ends the session for good after start-up; the bot will not reconnect. */
  readonly onFatal?: (error: TokenRejectedError | GatewayClosedError) => void;
}

export interface Bot {
  readonly client: Client<true>;
  stop(): Promise<void>;
}

function isTokenRejection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // A 401 from /gateway/bot comes as TokenInvalid; a gateway close 4004 during login as a plain "Authentication failed".
  return ('code' in error && error.code === DiscordjsErrorCodes.TokenInvalid) || error.message === 'Authentication failed';
}

/**
 * discord.js builds an interaction from the gateway packet inside its socket's message handler: a malformed packet
 * throws there and surfaces as an unhandled rejection, which would end the process. Log it and drop the packet.
 * `handlePacket` is internal to discord.js (14.28); the "malformed interaction" test fails if it ever moves.
 */
function guardPacketHandling(client: Client, logger: Logger): void {
  const manager = client.ws as unknown as { handlePacket(packet?: { t?: string }, shard?: unknown): boolean };
  const handlePacket = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handlePacket(packet, shard);
    } catch (error) {
      logger.error({ err: error, event: packet?.t }, 'dropped a gateway event that could not be read');
      return false;
    }
  };
}

function createClient(settings: BotSettings, context: BotContext, overrides: Partial<ClientOptions> = {}): Client {
  const { logger } = context;
  const client = new Client({
    // Slash commands, buttons and context menus arrive as interactions: no privileged intent is needed.
    intents: [GatewayIntentBits.Guilds],
    // Replies echo member and source text: nothing pings unless a message names its user explicitly.
    allowedMentions: { parse: [] },
    // As many shards as Discord recommends: one until the bot is in thousands of servers.
    shards: 'auto',
    ...overrides,
    rest: { ...(settings.apiUrl && { api: settings.apiUrl }), ...overrides.rest },
  });
  guardPacketHandling(client, logger);
  client.on(Events.InteractionCreate, (interaction) => void handleInteraction(interaction, context));
  client.on(Events.ClientReady, (ready) =>
    logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'connected to Discord'),
  );
  client.on(Events.ShardReconnecting, (shard) => logger.warn({ shard }, 'gateway connection lost, reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => logger.info({ shard, replayed }, 'gateway session resumed'));
  client.on(Events.ShardError, (error, shard) => logger.error({ err: error, shard }, 'gateway error'));
  client.on(Events.Warn, (message) => logger.warn(message));
  client.on(Events.Error, (error) => logger.error({ err: error }, 'client error'));
  return client;
}

/**
 * Logs in and resolves once the bot is ready to answer. Rejects with TokenRejectedError when Discord refuses the token.
 */
export async function startBot(
  settings: BotSettings,
  library: Library,
  logger: Logger,
  options: BotOptions = {},
): Promise<Bot> {
  const client = createClient(settings, { library, sourceBaseUrl: settings.sourceBaseUrl, logger }, options.clientOptions);
  // login() resolves before the first GUILD_CREATE; the bot is only ready to pin once ClientReady fires.
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(settings.token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw isTokenRejection(error) ? new TokenRejectedError() : error;
  }
  client.on(Events.ShardDisconnect, ({ code }) => {
    logger.fatal({ code }, 'Discord ended the gateway session for good');
    options.onFatal?.(code === GatewayCloseCodes.AuthenticationFailed ? new TokenRejectedError() : new GatewayClosedError(code));
  });
  return {
    client: client as Client<true>,
    async stop() {
      await client.destroy();
    },
  };
}
