import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REST_CONNECTIONS } from '../../src/discord/bot.js';
import type { Exchange } from './emulator/index.js';
import { option, startHarness, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** More interactions than the bot keeps REST connections, all on the gateway socket before the bot reads any. */
const BURST = 3 * REST_CONNECTIONS;

const QUESTIONS = ['Who is Laura Watson?', 'Why do sex workers not go to the police?', 'What is the weather in Leeds?'];

/** Asks BURST different questions at once and waits for every first reply. */
async function burst({ emulator } = harness): Promise<Exchange[]> {
  const exchanges = await Promise.all(
    Array.from({ length: BURST }, (_, index) =>
      emulator.slashCommand('ask', [option('question', `${QUESTIONS[index % QUESTIONS.length]} (${index})`)]),
    ),
  );
  await Promise.all(exchanges.map((exchange) => exchange.response(30_000)));
  return exchanges;
}

describe('a burst of interactions', () => {
  it('is answered once each, the first replies leaving before the last question is searched', async () => {
    const asked: number[] = [];
    const { library } = harness;
    const answer = library.answer.bind(library);
    const spy = vi.spyOn(library, 'answer').mockImplementation((question, options) => {
      asked.push(performance.now());
      return answer(question, options);
    });
    try {
      const exchanges = await burst();
      for (const exchange of exchanges) expect(exchange.calls.map((call) => call.kind)).toEqual(['callback']);
      expect(asked).toHaveLength(BURST);
      // Handlers take turns with the sockets: replies leave while later interactions still wait for theirs.
      const firstReply = Math.min(...exchanges.map((exchange) => exchange.respondedAt ?? Number.POSITIVE_INFINITY));
      expect(firstReply).toBeLessThan(Math.max(...asked));
    } finally {
      spy.mockRestore();
    }
  });

  it('while Discord is slow to answer, waits for one of a few kept-alive connections instead of opening more', async () => {
    // A bot of its own, so that every connection counted is one this burst needed.
    const slow = await startHarness();
    slow.emulator.delayAll(250);
    try {
      const exchanges = await burst(slow);
      for (const exchange of exchanges) expect(exchange.calls.map((call) => call.kind)).toEqual(['callback']);
      // Unbounded, undici opened a connection for every reply sent while the others waited for Discord's answer.
      // Counted: the REST connections, and the gateway's.
      expect(slow.emulator.connectionsOpened).toBeLessThanOrEqual(REST_CONNECTIONS + 1);
    } finally {
      await slow.close();
    }
  });
});
