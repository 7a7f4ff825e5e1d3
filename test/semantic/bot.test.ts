import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { EPHEMERAL, option, shown, startHarness, type Harness } from '../discord/harness.js';
import { dataFolder, openHybridSeed } from '../helpers.js';
import { FIXTURE, IN_ITS_WORDS, PARAPHRASE } from './fixture.js';
import gatedMinilm, { closeGate, openGate, removeGate } from './gated-model.js';

/** The interaction callback that defers a reply: Discord shows "… is thinking" until it is filled in. */
const DEFERRED = 5;

let cacheDir: string;
let harness: Harness | undefined;
beforeEach(async () => {
  closeGate();
  cacheDir = await mkdtemp(path.join(tmpdir(), 'citebot-vector-cache-'));
});
afterEach(async () => {
  await harness?.close();
  await removeGate();
  await rm(cacheDir, { recursive: true, force: true });
});

async function ask(question: string) {
  const exchange = await (harness as Harness).emulator.slashCommand('ask', [option('question', question)]);
  return shown((await exchange.response()).data.embeds[0]);
}

async function sourcesFooter(): Promise<string> {
  const exchange = await (harness as Harness).emulator.slashCommand('sources');
  return (await exchange.response()).data.embeds[0].footer.text;
}

describe('the bot in hybrid mode', () => {
  it('answers by words while passages are read for meaning, says so in /sources, then answers by both', async () => {
    const dataDir = await dataFolder(FIXTURE);
    const library = await Library.open({ dataDir, semantic: { cacheDir, model: gatedMinilm } });
    harness = await startHarness({ library });

    expect(await ask(IN_ITS_WORDS)).toContain('arrested two men');
    // Not an answer either way; the closest sources it names come by words first.
    const byWords = await ask(PARAPHRASE);
    expect(byWords).toContain("I couldn't find that in the sources.");
    expect(byWords.indexOf('gallery.txt')).toBeLessThan(byWords.indexOf('care.txt'));
    expect(await sourcesFooter()).toMatch(
      /^Page 1 of 1 · Search by words; by meaning too once every passage is read \(0 of 5/,
    );

    await openGate();
    expect(await library.semanticSearchComplete()).toBe(true);
    // Close in meaning, and holding one of its words: an answer, from the passage that says it in other words.
    const byMeaningToo = await ask(PARAPHRASE);
    expect(byMeaningToo).not.toContain("I couldn't find that in the sources.");
    expect(byMeaningToo).toContain('care.txt');
    expect(byMeaningToo).not.toContain('gallery.txt');
    expect(await sourcesFooter()).toBe('Page 1 of 1 · Search by words and meaning.');
  });
});

describe('the bot in hybrid mode, under a burst of questions', () => {
  it('defers the replies that would wait too long for their question to be read, and answers every one', async () => {
    harness = await startHarness({ library: await openHybridSeed() });
    const questions = ['Who is Laura Watson?', 'Where is the Women at the Well drop-in?', 'What is the weather in Leeds?'];
    // Each question distinct, so each is read for meaning: together, far more than Discord's 3 s for a first reply.
    const exchanges = await Promise.all(
      Array.from({ length: 150 }, (_, index) =>
        (harness as Harness).emulator.slashCommand('ask', [option('question', `${questions[index % 3]} (${index})`)]),
      ),
    );
    const firstResponses = await Promise.all(exchanges.map((exchange) => exchange.response(30_000)));
    const deferred = exchanges.filter((_, index) => firstResponses[index]?.type === DEFERRED);
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.length).toBeLessThan(exchanges.length);

    for (const [index, exchange] of exchanges.entries()) {
      if (firstResponses[index]?.type !== DEFERRED) {
        expect(exchange.calls.map((call) => call.kind)).toEqual(['callback']);
        continue;
      }
      const answered = index % 3 !== 2;
      // Answers fill in the "thinking" message; "not in the sources" replaces it with a message for the asker only.
      await exchange.waitForCalls(answered ? 2 : 3, 60_000);
      const kinds = exchange.calls.map((call) => call.kind);
      expect(kinds).toEqual(answered ? ['callback', 'edit-original'] : ['callback', 'delete', 'followup']);
      const final = exchange.calls.at(-1)?.body;
      if (answered) expect(shown(final.embeds[0])).toContain(index % 3 === 0 ? 'Laura Watson' : "King's Cross");
      else {
        expect(shown(final.embeds[0])).toContain("I couldn't find that in the sources.");
        expect(final.flags & EPHEMERAL).toBe(EPHEMERAL);
      }
    }
  });
});
