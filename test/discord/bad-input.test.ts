import { readFileSync } from 'node:fs';
/**
 * Bad input through Discord: arbitrary strings as a question, an autocomplete value, a custom_id, a `source` option and
 * a message to look up, sent by the emulator to the real bot. The rendering functions get many more runs in
 * test/bad-input.test.ts; here each run is a round trip, so a few dozen.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ButtonStyle, ComponentType, Routes, type APIMessage } from 'discord-api-types/v10';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badString, holdsRawMention } from '../bad-strings.js';
import { SEED_DATA } from '../helpers.js';
import type { Exchange } from './emulator/index.js';
import { EPHEMERAL, logLineOf, option, startHarness, type Harness } from './harness.js';

const ROUND_TRIP_RUNS = 40;

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ dataDir: SEED_DATA, sourceBaseUrl: 'https://example.org/sources/blob/main/data' });
});

afterAll(async () => {
  await harness?.close();
});

/** Discord refuses a string option longer than 6,000 characters, and an empty required one. */
const optionValue = badString.map((text) => text.slice(0, 6000));

/**
 * What must hold after any input: the handler finished without an error, the member got exactly one response that
 * Discord accepted (it checks every limit), and that response pings nobody.
 */
async function expectHandledCleanly(exchange: Exchange): Promise<void> {
  const line = await logLineOf(harness, exchange.interactionId);
  expect(line).toMatchObject({ failed: false, responded: true });
  expect(exchange.calls.filter(({ kind }) => kind === 'callback')).toHaveLength(1);
  const refused = harness.emulator.requests.filter(({ path, status }) => path.includes(exchange.token) && status >= 400);
  expect(refused).toEqual([]);
  for (const { body } of exchange.calls) {
    const data = body.data ?? body;
    if (data?.content !== undefined || data?.embeds !== undefined) expect(data.allowed_mentions).toEqual({ parse: [] });
    expect(holdsRawMention(data?.content)).toBe(false);
    for (const embed of data?.embeds ?? []) {
      expect(holdsRawMention(embed.title)).toBe(false);
      expect(holdsRawMention(embed.description)).toBe(false);
    }
  }
}

describe('any string', () => {
  it('as /ask question', async () => {
    await fc.assert(
      fc.asyncProperty(optionValue, async (question) => {
        await expectHandledCleanly(await harness.emulator.slashCommand('ask', [option('question', question)]));
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('typed into /ask and /source, for suggestions', async () => {
    await fc.assert(
      fc.asyncProperty(optionValue, fc.constantFrom(['ask', 'question'], ['source', 'file']), async (typed, [command, name]) => {
        const exchange = await harness.emulator.autocomplete(command, [option(name, typed, true)]);
        expect((await exchange.response()).type).toBe(8);
        await expectHandledCleanly(exchange);
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('as the custom_id of a button on an old message of the bot', async () => {
    const customId = fc
      .tuple(fc.constantFrom('', 'src:', 'post:', 'ask:next:', 'ask:previous:', 'sources:next:', 'pin', 'pin:'), badString)
      .map(([family, tail]) => (family + tail).slice(0, 100))
      .filter((id) => id.trim().length > 0);
    await fc.assert(
      fc.asyncProperty(customId, async (id) => {
        const old = (await harness.bot.client.rest.post(Routes.channelMessages(harness.emulator.channelId), {
          body: {
            content: 'An answer from an older version of the bot.',
            components: [
              { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Old', custom_id: id }] },
            ],
          },
        })) as APIMessage;
        await expectHandledCleanly(await harness.emulator.button(old, id));
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('as a message to "Find in sources"', async () => {
    await fc.assert(
      fc.asyncProperty(badString.map((text) => text.slice(0, 4000)), async (content) => {
        // A message can be empty of text when it holds only an attachment.
        const message = { ...harness.emulator.postUserMessage('see attached'), content };
        await expectHandledCleanly(await harness.emulator.messageCommand('Find in sources', message));
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });

  it('as the file of /source: a source of the data folder is shown, anything else is refused', async () => {
    const pathLike = fc.oneof(
      optionValue,
      fc
        .array(fc.constantFrom('..', '.', '', 'etc', 'passwd', 'data', '002_b621c17d5ab6b26c.txt', '%2e%2e', '\\', '~'), { maxLength: 8 })
        .map((parts) => parts.join('/')),
      fc.constantFrom(path.join(SEED_DATA, '002_b621c17d5ab6b26c.txt'), `../${path.basename(SEED_DATA)}/002_b621c17d5ab6b26c.txt`),
    );
    await fc.assert(
      fc.asyncProperty(pathLike, async (file) => {
        const exchange = await harness.emulator.slashCommand('source', [option('file', file)]);
        const response = await exchange.response();
        await expectHandledCleanly(exchange);
        if (response.files?.length) {
          const [attached] = response.files;
          const files = harness.library.sources.map((source) => readFileSync(path.join(harness.library.dataDir, source.file)));
          expect(files.some((bytes) => attached?.data.equals(bytes))).toBe(true);
        } else {
          expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
          expect(response.data.content).toMatch(/^No source is called “.*”\. `\/sources` lists them\.$/s);
        }
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });
});

describe('paths outside the data folder', () => {
  const SECRET = 'The vault combination is 7-31-4, said nobody in the sources.';
  let outside: string;
  let guarded: Harness;

  beforeAll(async () => {
    outside = await mkdtemp(path.join(tmpdir(), 'citebot-outside-'));
    const dataDir = path.join(outside, 'data');
    await mkdir(path.join(outside, 'private'), { recursive: true });
    await mkdir(dataDir);
    await writeFile(path.join(outside, 'secret.txt'), SECRET);
    await writeFile(path.join(outside, 'private', 'secret.txt'), SECRET);
    await writeFile(path.join(dataDir, 'outreach.txt'), 'Outreach\n\nThe outreach van visits on Tuesday nights.');
    // Links that lead out of the data folder are not followed.
    await symlink(path.join(outside, 'secret.txt'), path.join(dataDir, 'leak.txt'));
    await symlink(path.join(outside, 'private'), path.join(dataDir, 'linked'));
    guarded = await startHarness({ dataDir });
  });

  afterAll(async () => {
    await guarded?.close();
    await rm(outside, { recursive: true, force: true });
  });

  it('are refused by /source, however they are written, and nothing of theirs is ever sent', async () => {
    expect(guarded.library.sources.map(({ file }) => file)).toEqual(['outreach.txt']);
    const attempts = [
      '../secret.txt',
      '../../etc/passwd',
      '/etc/passwd',
      path.join(outside, 'secret.txt'),
      'leak.txt',
      'linked/secret.txt',
      'secret.txt',
      '..\\secret.txt',
      '%2e%2e/secret.txt',
      './../secret.txt',
    ];
    for (const file of attempts) {
      const response = await (await guarded.emulator.slashCommand('source', [option('file', file)])).response();
      expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(response.data.content).toMatch(/^No source is called /);
      expect(response.files).toEqual([]);
    }
    for (const customId of ['src:../secret.txt', 'src:../../etc/passwd', 'src:/etc/passwd']) {
      const old = (await guarded.bot.client.rest.post(Routes.channelMessages(guarded.emulator.channelId), {
        body: {
          content: 'An old answer.',
          components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Show source', custom_id: customId }] }],
        },
      })) as APIMessage;
      const response = await (await guarded.emulator.button(old, customId)).response();
      expect(response.data.content).toBe('This button is out of date. Ask again with `/ask`.');
    }
    const asked = await (await guarded.emulator.slashCommand('ask', [option('question', 'What is the vault combination?')])).response();
    expect(JSON.stringify(asked)).not.toContain('7-31-4');
    expect(JSON.stringify(guarded.emulator.requests)).not.toContain('7-31-4');
  });
});
