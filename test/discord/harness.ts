import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { expect } from 'vitest';
import type { AnswerCooldownSettings } from '../../src/config.js';
import { startBot, type Bot, type StartOptions } from '../../src/discord/bot.js';
import { Library } from '../../src/library.js';
import { createLogger, type Logger } from '../../src/log.js';
import { LiveLibrary } from '../../src/reload.js';
import type { Store } from '../../src/store/store.js';
import { fastIdentifyThrottler, startEmulator, type DiscordEmulator, type EmulatorOptions } from './emulator/index.js';
import { visibleText } from './markdown.js';
import { capturedLogger } from '../helpers.js';

/** One emulator and the real bot logged in to it, with the bot's log lines kept for inspection. */
export interface Harness {
  readonly emulator: DiscordEmulator;
  readonly bot: Bot;
  /** The library answering now. */
  readonly library: Library;
  readonly live: LiveLibrary;
  /** Every log line the bot wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The raw log output, for checks that nothing secret was written. */
  readonly rawLogs: () => string;
  close(): Promise<void>;
}

export interface HarnessOptions extends EmulatorOptions {
  readonly dataDir?: string;
  readonly sourceBaseUrl?: string;
  readonly library?: Library;
  readonly onFatal?: StartOptions['onFatal'];
  /** Fair use as configured in production; answers are not limited without it. */
  readonly answerCooldown?: AnswerCooldownSettings;
  /** Watch the data folder and reload after this quiet time; not watched without it. */
  readonly reloadDebounceMs?: number;
  /** Tracked pins, recorded questions and votes; unavailable without it. */
  readonly store?: Store;
}

/** A library that reloads from its own data folder. */
export function liveLibrary(library: Library, logger: Logger = createLogger('silent')): LiveLibrary {
  return new LiveLibrary(library, (warn) => Library.open({ dataDir: library.dataDir, warn }), logger);
}

/** Bot options for tests: no pause between identifies, no global REST limit in the way. */
export const testClientOptions = {
  rest: { globalRequestsPerSecond: 10_000 },
  ws: { buildIdentifyThrottler: () => fastIdentifyThrottler() },
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator(options);
  const library = options.library ?? (await Library.open({ dataDir: options.dataDir ?? 'data' }));
  const { logger, lines: logs, raw } = capturedLogger('debug');
  const live = liveLibrary(library, logger);
  const watch = options.reloadDebounceMs === undefined ? undefined : live.watch(options.reloadDebounceMs);
  const bot = await startBot(
    {
      token: emulator.token,
      apiUrl: emulator.apiUrl,
      sourceBaseUrl: options.sourceBaseUrl,
      ...(options.answerCooldown && { answerCooldown: options.answerCooldown }),
    },
    live,
    logger,
    {
      clientOptions: testClientOptions,
      ...(options.onFatal && { onFatal: options.onFatal }),
      ...(options.store && { store: options.store, recording: { recordQuestions: true, recordDays: 30 } }),
    },
  );
  return {
    emulator,
    bot,
    get library() {
      return live.current;
    },
    live,
    logs,
    rawLogs: raw,
    async close() {
      watch?.close();
      await bot.stop();
      await emulator.close();
    },
  };
}

/** The bot's log line for an interaction, once its handler has finished (after its last request to Discord). */
export async function logLineOf(harness: Harness, interactionId: string): Promise<Record<string, unknown>> {
  const find = () => harness.logs.find((line) => line.msg === 'interaction' && line.id === interactionId);
  await expect.poll(find, { timeout: 10_000, interval: 5 }).toBeDefined();
  return find() as Record<string, unknown>;
}

/** String, boolean and user options of a slash command, as Discord sends them. */
export function option(name: string, value: string | number | boolean, focused = false) {
  const type = typeof value === 'string' ? 3 : typeof value === 'boolean' ? 5 : 4;
  return { name, type, value, ...(focused && { focused }) } as never;
}

export function userOption(name: string, userId: string) {
  return { name, type: 6, value: userId } as never;
}

/** What a member reads in an embed's description. */
export function shown(embed: APIEmbed | undefined): string {
  return visibleText(embed?.description ?? '');
}

/** custom_ids of a message's enabled and disabled buttons, row by row flattened. */
export function buttons(message: Pick<APIMessage, 'components'> | undefined): { id: string; label: string; disabled: boolean }[] {
  return (message?.components ?? []).flatMap((row) =>
    'components' in row
      ? row.components.map((component) => {
          const button = component as { custom_id?: string; label?: string; disabled?: boolean };
          return { id: button.custom_id ?? '', label: button.label ?? '', disabled: button.disabled === true };
        })
      : [],
  );
}

export const EPHEMERAL = 64;
