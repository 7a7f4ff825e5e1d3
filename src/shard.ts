/**
 * `npm run start:sharded`: the bot as several processes, one per gateway shard, under discord.js's ShardingManager.
 * Discord requires sharding from 2,500 servers (a shard serves at most 2,500); `npm start` is right below that.
 *
 * The shard count and how many shards may log in at once come from Discord (GET /gateway/bot). A shard that crashes
 * is started again; one that stops because its settings must be fixed (exit status 1) stops them all, since every
 * shard shares the settings.
 */
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DiscordAPIError,
  REST,
  Routes,
  ShardingManager,
  type RESTGetAPIGatewayBotResult,
  type Shard,
} from 'discord.js';
import { TokenRejectedError } from './discord/bot.js';
import { botConfigOrExit, EXIT_CONFIG, EXIT_CRASH, exitWith } from './exit.js';
import { createLogger } from './log.js';

/** Discord lets each identify bucket start one session per 5 s. */
const IDENTIFY_INTERVAL_MS = 5_500;
/** Loading a large data folder comes before a shard logs in. */
const SHARD_READY_TIMEOUT_MS = 120_000;
const RESTART_DELAY_MS = 5_000;

/** The bot's entry point beside this file: main.ts under tsx, main.js once built. */
const thisFile = fileURLToPath(import.meta.url);
const mainFile = path.join(path.dirname(thisFile), `main${path.extname(thisFile)}`);

const config = botConfigOrExit();
const logger = createLogger(config.logLevel).child({ shardManager: true });

let gateway: RESTGetAPIGatewayBotResult;
try {
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
} catch (error) {
  if (error instanceof DiscordAPIError && error.status === 401) exitWith(new TokenRejectedError().message, EXIT_CONFIG);
  exitWith(`Could not ask Discord how many shards to run: ${(error as Error).message}`, EXIT_CRASH);
}

const shardCount = gateway.shards;
const shardsAtOnce = Math.max(1, gateway.session_start_limit.max_concurrency);
const shardIds = Array.from({ length: shardCount }, (_, id) => id);
const manager = new ShardingManager(mainFile, {
  token: config.token,
  totalShards: shardCount,
  shardList: shardIds,
  // Restarts are decided below, by exit status.
  respawn: false,
  // Under tsx the shards need its loader too.
  execArgv: process.execArgv,
});

let stopping = false;

async function stopAll(status: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'stopping every shard');
  await Promise.all(
    manager.shards.map(async (shard) => {
      const child = shard.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
  process.exit(status);
}

async function startShard(shard: Shard): Promise<void> {
  try {
    await shard.spawn(SHARD_READY_TIMEOUT_MS);
  } catch (error) {
    // A shard that exited is dealt with by its 'death' handler; one that is slow keeps starting.
    if (!stopping) logger.warn({ err: error, shard: shard.id }, 'a shard was not ready in time');
  }
}

manager.on('shardCreate', (shard) => {
  shard.on('death', (child) => {
    if (stopping) return;
    const status = 'exitCode' in child ? child.exitCode : null;
    if (status === EXIT_CONFIG) {
      void stopAll(EXIT_CONFIG, `shard ${shard.id} stopped: the settings must be fixed (its message is above)`);
    } else if (status === 0) {
      logger.warn({ shard: shard.id }, 'a shard was stopped on its own; the others go on');
    } else {
      logger.error({ shard: shard.id, status }, `a shard exited; starting it again in ${RESTART_DELAY_MS / 1000} s`);
      void sleep(RESTART_DELAY_MS).then(() => (stopping ? undefined : startShard(shard)));
    }
  });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0, signal));

logger.info({ shards: shardCount, shardsAtOnce }, 'starting shards');
// Shards in distinct identify buckets (id modulo max_concurrency) may log in together; the next group waits its turn.
for (let first = 0; first < shardCount && !stopping; first += shardsAtOnce) {
  if (first > 0) await sleep(IDENTIFY_INTERVAL_MS);
  await Promise.all(shardIds.slice(first, first + shardsAtOnce).map((id) => startShard(manager.createShard(id))));
}
if (!stopping) logger.info({ shards: shardCount }, 'every shard started');
