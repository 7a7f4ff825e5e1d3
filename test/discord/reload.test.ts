import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EPHEMERAL, option, shown, startHarness, type Harness } from './harness.js';

const LIGHTHOUSE = 'Lighthouse keepers\n\nThe lighthouse at Whitby was kept by the Darling family for forty years.';
const FERRY = 'Ferries\n\nThe ferry to Harwich leaves at dawn on Tuesdays and returns on Thursdays.';
const FERRY_CHANGED = 'Ferries\n\nThe ferry to Harwich now leaves at noon on Wednesdays.';
const CANAL = 'Canals\n\nThe canal boats of Birmingham carried coal until 1960.';

const made: string[] = [];

async function dataFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'citebot-reload-'));
  made.push(dir);
  await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE);
  await writeFile(path.join(dir, 'ferry.txt'), FERRY);
  return dir;
}

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** What a member reads in the answer to a question: the quoted passage and citation, or the "not found" notice. */
async function answerTo(harness: Harness, question: string): Promise<string> {
  const response = await (await harness.emulator.slashCommand('ask', [option('question', question)])).response();
  return shown(response.data.embeds?.[0]);
}

async function reindexAsAdmin(harness: Harness) {
  const exchange = await harness.emulator.slashCommand('reindex', [], { as: harness.emulator.users.admin });
  const response = await exchange.response();
  await exchange.waitForCalls(2);
  return { response, report: exchange.calls[1]?.body.content as string };
}

describe('sources that change while the bot runs', () => {
  let dir: string;
  let harness: Harness;

  beforeAll(async () => {
    dir = await dataFolder();
    harness = await startHarness({ dataDir: dir, reloadDebounceMs: 50 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('answers from a file added to the data folder', async () => {
    expect(await answerTo(harness, 'What did the canal boats of Birmingham carry?')).toContain("I couldn't find that");
    await writeFile(path.join(dir, 'canal.txt'), CANAL);
    await expect
      .poll(() => answerTo(harness, 'What did the canal boats of Birmingham carry?'), { timeout: 5000 })
      .toContain('The canal boats of Birmingham carried coal until 1960.');
    expect(await answerTo(harness, 'What did the canal boats of Birmingham carry?')).toContain('📄 canal.txt · lines 1–3 · Canals');
  });

  it('answers from the new text of a file that changed', async () => {
    await writeFile(path.join(dir, 'ferry.txt'), FERRY_CHANGED);
    await expect
      .poll(() => answerTo(harness, 'When does the ferry to Harwich leave?'), { timeout: 5000 })
      .toContain('now leaves at noon on Wednesdays');
  });

  it('no longer answers from a file that was removed, nor lists it', async () => {
    await unlink(path.join(dir, 'canal.txt'));
    await expect
      .poll(() => answerTo(harness, 'What did the canal boats of Birmingham carry?'), { timeout: 5000 })
      .toContain("I couldn't find that");
    const sources = await (await harness.emulator.slashCommand('sources')).response();
    expect(shown(sources.data.embeds[0])).not.toContain('canal.txt');
  });

  it('keeps answering from what it had when the folder is emptied, and logs why it could not reindex', async () => {
    const failuresBefore = harness.logs.filter((line) => line.msg === 'reindex failed; still answering from the previous sources').length;
    await unlink(path.join(dir, 'lighthouse.txt'));
    await unlink(path.join(dir, 'ferry.txt'));
    await expect
      .poll(() => harness.logs.filter((line) => line.msg === 'reindex failed; still answering from the previous sources').length, {
        timeout: 5000,
      })
      .toBeGreaterThan(failuresBefore);
    expect(await answerTo(harness, 'Who kept the lighthouse at Whitby?')).toContain('kept by the Darling family');
    expect(await answerTo(harness, 'When does the ferry to Harwich leave?')).toContain('now leaves at noon on Wednesdays');
  });
});

describe('/reindex', () => {
  let dir: string;
  let harness: Harness;

  beforeAll(async () => {
    dir = await dataFolder();
    // Not watching: only /reindex reads the folder again.
    harness = await startHarness({ dataDir: dir });
  });

  afterAll(async () => {
    await harness?.close();
  });

  afterEach(async () => {
    await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE);
    await writeFile(path.join(dir, 'ferry.txt'), FERRY);
  });

  it('reads the sources again at once and tells the admin, privately, what is indexed now', async () => {
    await writeFile(path.join(dir, 'canal.txt'), CANAL);
    const passagesBefore = harness.library.passages.length;
    const { response, report } = await reindexAsAdmin(harness);
    expect(response.type).toBe(5);
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(report).toMatch(/^Reindexed in (\d+ ms|\d+\.\d s): \*\*3\*\* sources \(\+1\) and \*\*\d+\*\* passages \(\+\d+\)\.$/);
    expect(report).toContain(`**${harness.library.passages.length}** passages (+${harness.library.passages.length - passagesBefore})`);
    expect(await answerTo(harness, 'What did the canal boats of Birmingham carry?')).toContain('carried coal until 1960');
    await unlink(path.join(dir, 'canal.txt'));
  });

  it('says when the sources could not be read, and keeps answering from the ones it had', async () => {
    await reindexAsAdmin(harness);
    await unlink(path.join(dir, 'lighthouse.txt'));
    await unlink(path.join(dir, 'ferry.txt'));
    const { report } = await reindexAsAdmin(harness);
    expect(report).toBe(
      "I couldn't read the sources again, so I'm still answering from the ones indexed before: " +
        `**2** sources and **${harness.library.passages.length}** passages. The bot's log says what went wrong.`,
    );
    expect(report).not.toContain(dir);
    expect(await answerTo(harness, 'Who kept the lighthouse at Whitby?')).toContain('kept by the Darling family');
  });

  it('answers every admin who asks at the same time, with at most one more rebuild than the one running', async () => {
    const rebuilds = () => harness.logs.filter((line) => line.msg === 'sources reindexed').length;
    const before = rebuilds();
    await writeFile(path.join(dir, 'canal.txt'), CANAL);
    const reports = await Promise.all(Array.from({ length: 4 }, () => reindexAsAdmin(harness)));
    for (const { report } of reports) expect(report).toMatch(/^Reindexed in .*\*\*3\*\* sources/);
    expect(rebuilds() - before).toBeLessThanOrEqual(2);
    await unlink(path.join(dir, 'canal.txt'));
  });
});
