import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { Library } from '../../src/library.js';
import { createLogger } from '../../src/log.js';
import { buttons, EPHEMERAL, liveLibrary, option, shown, startHarness, testClientOptions, type Harness } from './harness.js';

const BOROUGHS = ['Hackney', 'Camden', 'Lambeth', 'Southwark', 'Islington', 'Newham', 'Brent', 'Ealing', 'Haringey', 'Lewisham',
  'Croydon', 'Barnet', 'Enfield', 'Hounslow', 'Merton', 'Sutton', 'Bexley', 'Harrow', 'Redbridge', 'Havering', 'Hillingdon',
  'Greenwich', 'Wandsworth'];

function sourceText(borough: string): string {
  return [
    `Outreach in ${borough}`,
    '',
    `The ${borough} outreach van visits on Tuesday nights with food, condoms and advice.`,
    '',
    `Volunteers in ${borough} say the police rarely stop the van.`,
  ].join('\n');
}

let dataDir: string;
let harness: Harness;
let current: Bot | undefined;

/** Stops the running bot and starts a new one on the same emulator, with the data folder as it is now. */
async function restartBot(): Promise<Library> {
  await (current ?? harness.bot).stop();
  const library = await Library.open({ dataDir });
  current = await startBot(
    { token: harness.emulator.token, apiUrl: harness.emulator.apiUrl, sourceBaseUrl: undefined },
    liveLibrary(library),
    createLogger('silent'),
    { clientOptions: testClientOptions },
  );
  return library;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'citebot-sources-'));
  await Promise.all(
    BOROUGHS.map((borough, i) => writeFile(path.join(dataDir, `${String(i).padStart(3, '0')}_${borough.toLowerCase()}.txt`), sourceText(borough))),
  );
  harness = await startHarness({ dataDir });
});

afterAll(async () => {
  await current?.stop();
  await harness?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('/sources', () => {
  it('pages through the sources with Previous and Next', async () => {
    const exchange = await harness.emulator.slashCommand('sources');
    const first = await exchange.response();
    expect(first.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(first.data.embeds[0].title).toBe('Sources (23)');
    expect(first.data.embeds[0].footer.text).toBe('Page 1 of 3');
    expect(shown(first.data.embeds[0]).split('\n')).toHaveLength(10);
    expect(shown(first.data.embeds[0])).toContain('📄 000_hackney.txt · Outreach in Hackney · 1 passage');
    const message = exchange.replyMessage() as APIMessage;
    expect(buttons(message).map(({ label, disabled }) => [label, disabled])).toEqual([
      ['Previous', true],
      ['Next', false],
    ]);

    const next = await harness.emulator.button(message, 'sources:next:1');
    const second = await next.response();
    expect(second.type).toBe(7);
    expect(second.data.embeds[0].footer.text).toBe('Page 2 of 3');
    expect(shown(second.data.embeds[0])).toContain('📄 010_croydon.txt');

    const last = await (await harness.emulator.button(next.replyMessage() as APIMessage, 'sources:next:2')).response();
    expect(last.data.embeds[0].footer.text).toBe('Page 3 of 3');
    expect(shown(last.data.embeds[0]).split('\n')).toHaveLength(3);
  });
});

describe('after a restart and a reindex', () => {
  let answer: APIMessage;
  let suggestion: string;

  beforeAll(async () => {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'outreach van Tuesday Hackney')]);
    const response = await exchange.response();
    expect(shown(response.data.embeds[0])).toContain('📄 000_hackney.txt');
    answer = exchange.replyMessage() as APIMessage;
    const choices = (await (await harness.emulator.autocomplete('ask', [option('question', 'Hackney van', true)])).response()).data
      .choices as { value: string }[];
    suggestion = choices[0]?.value ?? '';
  });

  it('the buttons of an old answer still work after the bot restarts', async () => {
    await restartBot();
    const next = await (await harness.emulator.button(answer, 'ask:next:1')).response();
    expect(next.type).toBe(7);
    expect(next.data.embeds[0].title).toBe('outreach van Tuesday Hackney');
    expect(next.data.embeds[0].footer.text).toMatch(/^Match 2 of \d+$/);
  });

  it('says a cited passage is gone when the sources changed since', async () => {
    const current = harness.emulator.message(answer.id) as APIMessage;
    const showSource = buttons(current).find(({ label }) => label === 'Show source')?.id ?? '';
    const cited = harness.library.passage(showSource.slice('src:'.length));
    const suggested = harness.library.passage(suggestion.split(':')[1] ?? '');
    for (const passage of [cited, suggested]) {
      await writeFile(path.join(dataDir, passage?.file ?? ''), `${passage?.text}\n\nThe van now also visits on Fridays.`);
    }
    await restartBot();

    const shownSource = await (await harness.emulator.button(current, showSource)).response();
    expect(shownSource.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(shownSource.data.content).toBe('That passage is no longer in the sources (they changed since). Ask again with `/ask`.');

    const picked = await (await harness.emulator.slashCommand('ask', [option('question', suggestion)])).response();
    expect(picked.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(picked.data.content).toContain('That passage is no longer in the sources');
  });
});
