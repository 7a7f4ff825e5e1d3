import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { option, shown, startHarness, type Harness } from '../discord/harness.js';
import { dataFolder } from '../helpers.js';
import { FIXTURE, IN_ITS_WORDS, PARAPHRASE } from './fixture.js';
import gatedMinilm, { closeGate, openGate, removeGate } from './gated-model.js';

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
    const byMeaningToo = await ask(PARAPHRASE);
    expect(byMeaningToo.indexOf('care.txt')).toBeLessThan(byMeaningToo.indexOf('gallery.txt'));
    expect(await sourcesFooter()).toBe('Page 1 of 1 · Search by words and meaning.');
  });
});
