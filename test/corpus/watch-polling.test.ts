import { appendFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchFolder, type FolderWatch } from '../../src/corpus/watch.js';
import { dataFolder } from '../helpers.js';

// A platform that cannot watch: an inotify limit reached, a network file system, a container's bind mount.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    watch: () => {
      throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    },
  };
});

const watches: FolderWatch[] = [];

afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

describe('watchFolder where the platform cannot watch', () => {
  it('says so once, then notices changes by looking at the folder now and then', async () => {
    const dir = await dataFolder({ 'a.txt': 'first' });
    let calls = 0;
    const reasons: unknown[] = [];
    watches.push(
      watchFolder(dir, () => (calls += 1), { debounceMs: 10, pollMs: 10, onPolling: (error) => reasons.push(error) }),
    );
    await expect.poll(() => reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'ENOSPC' });

    const changed = async (action: () => Promise<unknown>) => {
      const before = calls;
      await action();
      await expect.poll(() => calls, { timeout: 3000 }).toBeGreaterThan(before);
    };
    await changed(() => writeFile(path.join(dir, 'b.txt'), 'second'));
    await changed(() => appendFile(path.join(dir, 'a.txt'), ' and more'));
    await changed(() => unlink(path.join(dir, 'b.txt')));
    expect(reasons).toHaveLength(1);
  });
});
