/**
 * Part: pinned answers after a reload. The real bot (discord.js, in this process) logs in to the local Discord
 * emulator, which holds it to Discord's rate limits; channels full of pinned answers are tracked in a SQLite store;
 * half of the quoted passages change, the sources are reloaded, and the bot edits every changed pin. Measured: the
 * time from the reload to the last edit answered, the REST calls made, and the 429s received.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { APIMessage } from 'discord-api-types/v10';
import { startBot } from '../src/discord/bot.js';
import { answerMessage, matchesFor, pickedView } from '../src/interactions/components/answer-pages.js';
import { pinRecord } from '../src/interactions/pinned-answers.js';
import { Library } from '../src/library.js';
import { createLogger } from '../src/log.js';
import { LiveLibrary } from '../src/reload.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { fastIdentifyThrottler, startEmulator, type RateLimits } from '../test/discord/emulator/index.js';
import { count, fixed, type Section } from './markdown.js';

export interface PinsOptions {
  readonly quick: boolean;
}

/** Discord's most: 250 pins a channel. The benchmark spreads them over 5 channels. */
const CHANNELS = 5;
/** The goal: a changed pin is edited within 10 s of the reload. */
const EDIT_GOAL_MS = 10_000;
/** How long the last edit may take before the run counts as failed. */
const EDITS_TIMEOUT_MS = 180_000;

/**
 * The limits the emulator enforces. Discord does not publish per-route limits; editing a channel's messages is
 * commonly reported at 5 requests per 5 s per channel, and a bot may send 50 requests a second in all.
 */
const DISCORD_LIKE: RateLimits = { perRoute: { limit: 5, windowMs: 5_000 }, globalPerSecond: 50 };
/** Only the global limit: what the bot costs when no route limit holds it back. */
const GLOBAL_ONLY: RateLimits = { perRoute: { limit: 10_000, windowMs: 1_000 }, globalPerSecond: 50 };

/** One pinned answer's paragraph, with a fact of its own so that each question finds its paragraph. */
function paragraph(channel: number, index: number, changed: boolean): string {
  const year = 1800 + index + (changed ? 100 : 0);
  return `Harbour ${channel}-${index}\n\nThe lighthouse of harbour ${channel}x${index} was rebuilt in ${year} by keeper number ${channel}k${index}.`;
}

function sourceText(channel: number, pinsPerChannel: number, changeHalf: boolean): string {
  return Array.from({ length: pinsPerChannel }, (_, index) => paragraph(channel, index, changeHalf && index % 2 === 0)).join('\n\n') + '\n';
}

interface Run {
  readonly limits: string;
  readonly pins: number;
  readonly changed: number;
  readonly reloadMs: number;
  readonly editsMs: number;
  /** Changed pins edited within EDIT_GOAL_MS of the new sources answering. */
  readonly withinGoal: number;
  readonly restCalls: number;
  readonly edits: number;
  readonly tooManyRequests: number;
}

async function measure(pinsPerChannel: number, limits: RateLimits, label: string): Promise<Run> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'citebot-bench-pins-'));
  const emulator = await startEmulator({ extraChannels: CHANNELS - 1 });
  const store = await openSqliteStore(path.join(dataDir, 'db', 'citebot.sqlite'));
  const logger = createLogger(process.env.BENCH_LOG_LEVEL === undefined ? 'silent' : 'warn');
  try {
    const sources = path.join(dataDir, 'sources');
    await mkdir(sources);
    for (let channel = 0; channel < CHANNELS; channel++) {
      await writeFile(path.join(sources, `harbour-${channel}.txt`), sourceText(channel, pinsPerChannel, false));
    }
    const library = await Library.open({ dataDir: sources });
    const live = new LiveLibrary(library, (warn) => Library.open({ dataDir: sources, warn }), logger);
    const bot = await startBot({ token: emulator.token, apiUrl: emulator.apiUrl, sourceBaseUrl: undefined }, live, logger, {
      // Production REST settings (50 requests a second in all); only the pause between identifies is skipped.
      clientOptions: { ws: { buildIdentifyThrottler: () => fastIdentifyThrottler() } },
      store,
    });
    try {
      // The answers, posted and pinned before the measurement, as moderators would have over time.
      for (let channel = 0; channel < CHANNELS; channel++) {
        const channelId = emulator.channelIds[channel] as string;
        for (let index = 0; index < pinsPerChannel; index++) {
          const question = `When was the lighthouse of harbour ${channel}x${index} rebuilt?`;
          const answer = await matchesFor(library, question);
          const passage = answer.results.find((result) => result.text.includes(`${channel}x${index} `)) ?? answer.results[0];
          if (!passage) throw new Error(`no passage for "${question}"`);
          const message = answerMessage(pickedView(library, question, answer, passage), undefined, true);
          const posted: APIMessage = emulator.postBotMessage(channelId, message);
          emulator.setPinnedByMember(posted.id, true);
          const record = await pinRecord(
            library,
            { messageId: posted.id, channelId, guildId: emulator.guildId, question, passageId: passage.id },
            message,
          );
          if (!record) throw new Error(`the answer to "${question}" could not be tracked`);
          await store.trackPin(record);
        }
      }
      // Let the pins-update events of the set-up pass before the measurement.
      await new Promise((resolve) => setTimeout(resolve, 500));
      emulator.setRateLimits(limits);
      for (let channel = 0; channel < CHANNELS; channel++) {
        await writeFile(path.join(sources, `harbour-${channel}.txt`), sourceText(channel, pinsPerChannel, true));
      }
      const changed = CHANNELS * Math.ceil(pinsPerChannel / 2);
      const requestsBefore = emulator.requests.length;
      const started = performance.now();
      const result = await live.reload('benchmark');
      if (!result.ok) throw new Error('the reload failed');
      const reloaded = performance.now();
      const during = () => emulator.requests.slice(requestsBefore).filter(({ method }) => method !== 'POST');
      const editsDone = () => during().filter(({ method, status }) => method === 'PATCH' && status === 200).length;
      const deadline = performance.now() + EDITS_TIMEOUT_MS;
      let withinGoal: number | undefined;
      while (editsDone() < changed) {
        if (performance.now() > deadline) throw new Error(`only ${editsDone()} of ${changed} edits were made`);
        if (withinGoal === undefined && performance.now() - reloaded >= EDIT_GOAL_MS) withinGoal = editsDone();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const finished = performance.now();
      const requests = during();
      return {
        limits: label,
        pins: CHANNELS * pinsPerChannel,
        changed,
        reloadMs: reloaded - started,
        editsMs: finished - reloaded,
        withinGoal: withinGoal ?? changed,
        restCalls: requests.length,
        edits: requests.filter(({ method }) => method === 'PATCH').length,
        tooManyRequests: requests.filter(({ status }) => status === 429).length,
      };
    } finally {
      await bot.stop();
    }
  } finally {
    await store.close();
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function measurePins({ quick }: PinsOptions): Promise<Section> {
  const pinsPerChannel = quick ? 5 : 50;
  const runs = [await measure(pinsPerChannel, DISCORD_LIKE, '5 per 5 s per channel, 50/s in all'), await measure(pinsPerChannel, GLOBAL_ONLY, '50/s in all only')];
  return {
    title: 'Pinned answers after a reload',
    intro: [
      `The real bot (discord.js, with its production REST settings) logged in to the local Discord emulator, with ` +
        `${count(CHANNELS * pinsPerChannel)} pinned answers tracked in SQLite across ${CHANNELS} channels. Half of the ` +
        'quoted passages are changed on disk, the sources are reloaded, and the bot edits each changed pin (the quote ' +
        'kept, the notice added); the others are left alone. The emulator enforces rate limits as Discord does ' +
        '(X-RateLimit-* headers on every answer, 429 past them): once with a per-channel limit on message edits, once ' +
        'with the global limit alone. Times are from the reload started; “edits” from the new sources answering to ' +
        'the last edit answered.',
    ],
    tables: [
      {
        caption: 'Pinned answers: one reload, half of the pinned quotes changed',
        columns: ['rate limits', 'pins', 'changed', 'reload ms', 'edits s', 'edited within 10 s', 'REST calls', 'edits sent', '429s'],
        rows: runs.map((run) => [
          run.limits,
          count(run.pins),
          count(run.changed),
          count(run.reloadMs),
          fixed(run.editsMs / 1000, 2),
          count(run.withinGoal),
          count(run.restCalls),
          count(run.edits),
          count(run.tooManyRequests),
        ]),
      },
    ],
    notes: [
      'Goals: every changed pin edited within 10 s of the reload, no 429. The REST calls are the edits and one list of ' +
        "pins per channel (50 pins a page), which tells the bot which answers are still pinned. Discord publishes no " +
        'per-route limits; where a channel allows 5 edits per 5 s, a channel with more changed pins than that takes ' +
        'one 5-second window per 5 of them, whatever the bot does: the edits of a channel are queued by @discordjs/rest ' +
        'in its bucket, and notices go before quiet citation fixes. Discord also limits edits to messages older than ' +
        'an hour (error 30046, undocumented rate); the emulator does not, and an edit refused so is tried again after ' +
        'the next reload.',
    ],
  };
}
