import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textKey, VectorStore } from '../../src/semantic/vector-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-vectors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const vector = (...values: number[]) => Float32Array.from(values);

describe('the vector store', () => {
  it('keeps vectors across opens, keyed by the text', async () => {
    const file = VectorStore.fileFor(dir, 'model-a', 'a data folder');
    const store = await VectorStore.open(file, 'model-a', 3);
    await store.add([[textKey('one'), vector(1, 0, 0)]]);
    await store.add([[textKey('two'), vector(0, 0.5, 0.25)]]);

    const reopened = await VectorStore.open(file, 'model-a', 3);
    expect(reopened.size).toBe(2);
    expect([...(reopened.get(textKey('two')) ?? [])]).toEqual([0, 0.5, 0.25]);
    expect(reopened.has(textKey('three'))).toBe(false);
  });

  it("ignores another model's vectors and replaces them with the first write", async () => {
    const file = path.join(dir, 'shared.vectors');
    const other = await VectorStore.open(file, 'model-a', 3);
    await other.add([[textKey('one'), vector(1, 0, 0)]]);
    const warnings: string[] = [];

    const store = await VectorStore.open(file, 'model-b', 3, (message) => warnings.push(message));
    expect(store.size).toBe(0);
    expect(warnings.join('\n')).toMatch(/another model/);
    await store.add([[textKey('one'), vector(0, 1, 0)]]);
    expect([...((await VectorStore.open(file, 'model-b', 3)).get(textKey('one')) ?? [])]).toEqual([0, 1, 0]);
  });

  it('drops a record cut short by an interrupted write, and appends after the last whole one', async () => {
    const file = path.join(dir, 'cut.vectors');
    const store = await VectorStore.open(file, 'model-a', 2);
    await store.add([[textKey('one'), vector(1, 0)]]);
    await appendFile(file, Buffer.from([1, 2, 3, 4, 5]));

    const reopened = await VectorStore.open(file, 'model-a', 2);
    expect(reopened.size).toBe(1);
    await reopened.add([[textKey('two'), vector(0, 1)]]);
    const again = await VectorStore.open(file, 'model-a', 2);
    expect([...(again.get(textKey('two')) ?? [])]).toEqual([0, 1]);
    expect(again.size).toBe(2);
  });

  it('forgets the vectors of texts no longer used, on disk too', async () => {
    const file = path.join(dir, 'kept.vectors');
    const store = await VectorStore.open(file, 'model-a', 2);
    await store.add([
      [textKey('kept'), vector(1, 0)],
      [textKey('gone'), vector(0, 1)],
    ]);
    const before = (await stat(file)).size;
    await store.retainOnly(new Set([textKey('kept')]));
    expect((await stat(file)).size).toBeLessThan(before);
    const reopened = await VectorStore.open(file, 'model-a', 2);
    expect(reopened.has(textKey('kept'))).toBe(true);
    expect(reopened.has(textKey('gone'))).toBe(false);
    expect((await readFile(file)).includes(Buffer.from(textKey('gone'), 'hex'))).toBe(false);
  });
});
