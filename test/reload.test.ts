import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FolderWatch } from '../src/corpus/watch.js';
import { Library } from '../src/library.js';
import { LiveLibrary, type OpenLibrary } from '../src/reload.js';
import { capturedLogger, dataFolder } from './helpers.js';


const LIGHTHOUSE = 'The lighthouse at Whitby was kept by Grace Darling’s cousin.';
const FERRY = 'The ferry to Harwich leaves at dawn on Tuesdays.';

/** A live library over a new data folder; `open` reopens that folder, unless `wrapOpen` stands in for it. */
async function liveFolder(files: Record<string, string>, wrapOpen: (open: OpenLibrary) => OpenLibrary = (open) => open) {
  const dir = await dataFolder(files);
  const { logger, lines } = capturedLogger();
  const open: OpenLibrary = (warn) => Library.open({ dataDir: dir, warn });
  const live = new LiveLibrary(await Library.open({ dataDir: dir }), wrapOpen(open), logger);
  return { dir, live, lines };
}

async function best(library: Library, question: string): Promise<string | undefined> {
  const answer = await library.answer(question);
  return answer.answered ? answer.results[0]?.text : undefined;
}

const watches: FolderWatch[] = [];
afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

describe('LiveLibrary', () => {
  it('swaps in the rebuilt library; a question already holding the old one still gets the old answer', async () => {
    const { dir, live } = await liveFolder({ 'a.txt': LIGHTHOUSE });
    const before = live.current;
    await writeFile(path.join(dir, 'a.txt'), FERRY);

    const result = await live.reload('test');
    expect(result).toMatchObject({ ok: true, previous: before, warnings: 0 });
    expect(live.current).toBe(result.library);
    expect(await best(live.current, 'When does the ferry to Harwich leave?')).toBe(FERRY);
    expect(await best(before, 'Who kept the lighthouse at Whitby?')).toBe(LIGHTHOUSE);
  });

  it('keeps answering from the previous library when a rebuild fails, and logs why', async () => {
    const { dir, live, lines } = await liveFolder({ 'a.txt': LIGHTHOUSE });
    const before = live.current;
    await rm(path.join(dir, 'a.txt'));

    const result = await live.reload('test');
    expect(result.ok).toBe(false);
    expect(live.current).toBe(before);
    expect(await best(live.current, 'Who kept the lighthouse at Whitby?')).toBe(LIGHTHOUSE);
    expect(lines.find((line) => line.msg === 'reindex failed; still answering from the previous sources')).toMatchObject({
      level: 50,
      err: { type: 'DataFolderError', message: expect.stringContaining('holds no usable source documents') },
    });
  });

  it('counts and logs the files a rebuild skipped', async () => {
    const { dir, live, lines } = await liveFolder({ 'a.txt': LIGHTHOUSE });
    await writeFile(path.join(dir, 'empty.txt'), '');
    const result = await live.reload('test');
    expect(result).toMatchObject({ ok: true, warnings: 1 });
    expect(lines.some((line) => line.level === 40 && line.msg === 'skipped empty.txt: it is empty')).toBe(true);
  });

  it('serves requests made during a rebuild with one more rebuild, shared by all of them', async () => {
    // Each rebuild waits for the test to let it finish.
    const opened: Array<() => void> = [];
    const { live } = await liveFolder({ 'a.txt': LIGHTHOUSE }, (open) => async (warn) => {
      await new Promise<void>((resolve) => opened.push(resolve));
      return open(warn);
    });

    const first = live.reload('watcher');
    const during = [live.reload('/reindex'), live.reload('/reindex'), live.reload('watcher')];
    expect(opened).toHaveLength(1);
    opened[0]?.();
    await first;
    await expect.poll(() => opened.length).toBe(2);
    opened[1]?.();
    const results = await Promise.all(during);
    expect(new Set(results)).toEqual(new Set([results[0]]));
    expect(results[0]?.library).not.toBe((await first).library);
    expect(live.current).toBe(results[0]?.library);
    expect(opened).toHaveLength(2);
  });

  it('rebuilds by itself when files in the data folder change', async () => {
    const { dir, live } = await liveFolder({ 'a.txt': LIGHTHOUSE });
    watches.push(live.watch(20));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(path.join(dir, 'b.txt'), FERRY);
    await expect.poll(() => best(live.current, 'When does the ferry to Harwich leave?'), { timeout: 3000 }).toBe(FERRY);
  });
});
