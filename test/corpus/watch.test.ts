import { appendFile, mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFolder, type FolderWatch } from '../../src/corpus/watch.js';
import { dataFolder } from '../helpers.js';

const QUIET_MS = 20;
const watches: FolderWatch[] = [];

afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

/** Watches `dir` and counts the calls; `changed(action)` does something and waits for the call it must cause. */
async function watchCounting(dir: string, quietMs = QUIET_MS) {
  let calls = 0;
  watches.push(watchFolder(dir, () => (calls += 1), { debounceMs: quietMs, pollMs: quietMs }));
  // The watchers are made asynchronously, after the folder is listed.
  await sleep(QUIET_MS);
  return {
    calls: () => calls,
    async changed(action: () => Promise<unknown>) {
      const before = calls;
      await action();
      await expect.poll(() => calls, { timeout: 3000 }).toBeGreaterThan(before);
    },
  };
}

describe('watchFolder', () => {
  it('reports files added, edited in place and removed, once the changes stop', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    const watch = await watchCounting(dir);
    await watch.changed(() => writeFile(path.join(dir, 'b.txt'), 'second'));
    await watch.changed(() => appendFile(path.join(dir, 'a.txt'), ' and more'));
    await watch.changed(() => unlink(path.join(dir, 'b.txt')));
  });

  it('still sees a file after an editor saves it by renaming a new copy over it', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    const watch = await watchCounting(dir);
    await watch.changed(async () => {
      await writeFile(path.join(dir, '.a.txt.swp'), 'second');
      await rename(path.join(dir, '.a.txt.swp'), path.join(dir, 'a.txt'));
    });
    await watch.changed(() => appendFile(path.join(dir, 'a.txt'), ' and more'));
    await watch.changed(() => unlink(path.join(dir, 'a.txt')));
  });

  it('reports a burst of changes as one', async () => {
    const dir = await dataFolder({});
    const quietMs = 200;
    const watch = await watchCounting(dir, quietMs);
    await watch.changed(() => Promise.all(Array.from({ length: 30 }, (_, i) => writeFile(path.join(dir, `${i}.txt`), 'x'))));
    await sleep(quietMs * 2);
    expect(watch.calls()).toBe(1);
  });

  it('watches folders created after it started, and files in them', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    const watch = await watchCounting(dir);
    await watch.changed(() => mkdir(path.join(dir, 'reports', '2024'), { recursive: true }));
    await watch.changed(() => writeFile(path.join(dir, 'reports', '2024', 'b.md'), '# Second'));
    await watch.changed(() => appendFile(path.join(dir, 'reports', '2024', 'b.md'), '\n\nMore.'));
  });

  it('notices the folder removed, then created again, and keeps watching it', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    const watch = await watchCounting(dir);
    await watch.changed(() => rm(dir, { recursive: true }));
    await watch.changed(async () => {
      await mkdir(dir);
      await writeFile(path.join(dir, 'a.txt'), 'back');
    });
    await watch.changed(() => appendFile(path.join(dir, 'a.txt'), ' and more'));
  });

  it('ignores hidden files, as the sources do', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    const watch = await watchCounting(dir);
    await writeFile(path.join(dir, '.a.txt.swp'), 'draft');
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, '.git', 'HEAD'), 'ref');
    await sleep(QUIET_MS * 5);
    expect(watch.calls()).toBe(0);
  });
});
