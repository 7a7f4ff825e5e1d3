/**
 * Several instances on one PostgreSQL check the same pinned answers after a reload: each changed pin is edited by
 * exactly one of them, and when one dies in the middle of its edits, another finishes them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { createLogger } from '../../src/log.js';
import { PinTracker, pinRecord } from '../../src/interactions/pinned-answers.js';
import type { MessageEditor } from '../../src/interactions/port.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../store/postgres.js';

const logger = createLogger('silent');
const PINS = 12;
const CHANNELS = ['900000000000000001', '900000000000000002', '900000000000000003'];

const ROCKS = ['Alder', 'Basalt', 'Cormorant', 'Dunlin', 'Eider', 'Fulmar', 'Gannet', 'Heron', 'Ivory', 'Juniper', 'Kittiwake', 'Lapwing'];

/** One short source per pin, so that every pin quotes its own file. */
const sourceText = (index: number, keeper: string) =>
  `${ROCKS[index]} Rock\n\nThe lighthouse on ${ROCKS[index]} Rock was kept by the ${keeper} family for forty years.\n`;

let dir: string;
let database: TestDatabase;
const stores: Store[] = [];

async function store(): Promise<Store> {
  const opened = await openPostgresStore({ url: database.url, poolSize: 4 });
  stores.push(opened);
  return opened;
}

/** An editor that records each edit it completes; `hang` leaves edits unanswered, as a process that died would. */
function editor(edited: string[], options: { hang?: () => boolean; started?: () => void } = {}): MessageEditor {
  return {
    async editMessage(_channelId, messageId) {
      options.started?.();
      if (options.hang?.()) await new Promise(() => {});
      edited.push(messageId);
    },
    pinnedMessageIds: () => Promise.resolve(new Set(Array.from({ length: PINS }, (_, index) => messageIdOf(index)))),
  };
}

const messageIdOf = (index: number) => String(800000000000000000n + BigInt(index));

/** Pins one answer per source, then changes every source, and returns the library read afterwards. */
async function pinThenChange(shared: Store): Promise<Library> {
  for (let index = 0; index < PINS; index++) await writeFile(path.join(dir, `rock-${index}.txt`), sourceText(index, 'Darling'));
  const before = await Library.open({ dataDir: dir });
  for (let index = 0; index < PINS; index++) {
    const question = `Who kept the lighthouse on ${ROCKS[index]} Rock?`;
    const answer = await before.answer(question, { top: 1 });
    const passage = answer.results[0];
    if (passage === undefined || passage.file !== `rock-${index}.txt`) throw new Error(`no answer from rock-${index}.txt`);
    const message = { embeds: [{ description: `> ${passage.text}\n\n**rock-${index}.txt**` }], components: [] };
    const tracked = await pinRecord(
      before,
      { messageId: messageIdOf(index), channelId: CHANNELS[index % CHANNELS.length] as string, guildId: undefined, question, passageId: passage.id },
      message,
    );
    if (tracked === undefined) throw new Error('nothing to track');
    await shared.trackPin(tracked);
  }
  for (let index = 0; index < PINS; index++) await writeFile(path.join(dir, `rock-${index}.txt`), sourceText(index, 'Grace'));
  return Library.open({ dataDir: dir });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-claims-'));
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(stores.map((opened) => opened.close()));
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('pinned answers checked by several instances at once', () => {
  it('edits each changed pin exactly once between them', async () => {
    const [first, second, third] = [await store(), await store(), await store()];
    const after = await pinThenChange(first);
    const edits: string[][] = [[], [], []];
    const trackers = [first, second, third].map(
      (shared, index) => new PinTracker({ store: shared, editor: editor(edits[index] as string[]), sourceBaseUrl: undefined, logger }),
    );
    const reports = await Promise.all(trackers.map((tracker) => tracker.check(after)));
    const all = edits.flat();
    expect(all).toHaveLength(PINS);
    expect(new Set(all).size).toBe(PINS);
    // Each found every pin changed; what one did not edit, another did.
    for (const [index, report] of reports.entries()) {
      expect(report.changed).toBe(PINS);
      expect(report.editedElsewhere).toBe(PINS - (edits[index] as string[]).length);
    }
    expect((await first.trackedPins()).every((pin) => pin.status === 'changed')).toBe(true);
  });

  it('finishes the edits of an instance that died in the middle of them', async () => {
    await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'citebot-claims-'));
    const [dying, surviving] = [await store(), await store()];
    for (const pin of await dying.trackedPins()) await dying.untrackPins([pin.messageId]);
    const after = await pinThenChange(dying);
    let started = 0;
    const deadEdits: string[] = [];
    const survivorEdits: string[] = [];
    // The dying instance claims pins and starts their edits, which never finish: it is gone.
    const dyingTracker = new PinTracker({
      store: dying,
      editor: editor(deadEdits, { hang: () => true, started: () => started++ }),
      sourceBaseUrl: undefined,
      logger,
      claimMs: 1_500,
    });
    void dyingTracker.check(after);
    await expect.poll(() => started, { timeout: 10_000 }).toBeGreaterThanOrEqual(PINS / 2);
    const survivor = new PinTracker({ store: surviving, editor: editor(survivorEdits), sourceBaseUrl: undefined, logger, claimMs: 1_500 });
    const report = await survivor.check(after);
    expect(deadEdits).toEqual([]);
    expect(survivorEdits.toSorted()).toEqual(Array.from({ length: PINS }, (_, index) => messageIdOf(index)).toSorted());
    expect(report.editedElsewhere).toBe(0);
    expect((await surviving.trackedPins()).every((pin) => pin.status === 'changed')).toBe(true);
  });

  it('loses no more than the edits of a check when the database fails in the middle of it', async () => {
    await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(path.join(tmpdir(), 'citebot-claims-'));
    const shared = await store();
    for (const pin of await shared.trackedPins()) await shared.untrackPins([pin.messageId]);
    const after = await pinThenChange(shared);
    // The pins are read, then every claim fails, as when the connection to the database is lost.
    const failing = new Proxy(shared, {
      get: (target, key) =>
        key === 'claimPin'
          ? () => Promise.reject(new Error('Connection terminated unexpectedly'))
          : (target[key as keyof Store] as (...args: unknown[]) => unknown).bind(target),
    });
    const edits: string[] = [];
    const report = await new PinTracker({ store: failing, editor: editor(edits), sourceBaseUrl: undefined, logger }).check(after);
    expect(report).toMatchObject({ changed: PINS, failed: PINS });
    expect(edits).toEqual([]);
    // Nothing was marked edited: the next check, with the database back, edits them all.
    const again = await new PinTracker({ store: shared, editor: editor(edits), sourceBaseUrl: undefined, logger }).check(after);
    expect(again.failed).toBe(0);
    expect(edits).toHaveLength(PINS);
  });
});
