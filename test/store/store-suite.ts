/**
 * The behaviour every Store must have, whatever database is behind it: run with a factory that opens a fresh, empty
 * store (SQLite in a temp folder here; a PostgreSQL database just as well).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, TrackedPin } from '../../src/store/store.js';

export interface StoreFactory {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** The same database opened again, as after a restart. */
  reopen(): Promise<Store>;
}

const DAY = 86_400_000;

function pin(messageId: string, overrides: Partial<TrackedPin> = {}): TrackedPin {
  return {
    messageId,
    channelId: '111111111111111111',
    guildId: '222222222222222222',
    question: 'Who kept the lighthouse?',
    place: { file: 'lighthouse.txt', lines: [3, 4], section: ['Keepers', 'Whitby'] },
    quote: 'The lighthouse at Whitby was kept by the Darling family.',
    quoteHash: 'a'.repeat(64),
    message: '{"embeds":[],"components":[]}',
    status: 'current',
    pinnedAt: new Date('2026-12-01T10:00:00Z'),
    ...overrides,
  };
}

export function storeBehaviour(name: string, factory: StoreFactory): void {
  describe(`${name} store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await factory.open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('keeps a tracked pin with its place, quote and message, and replaces it when the same message is pinned again', async () => {
      await store.trackPin(pin('300000000000000001'));
      await store.trackPin(pin('300000000000000002', { place: { file: 'report.pdf', lines: [10, 12], page: 4 }, guildId: undefined }));
      expect(await store.trackedPins()).toEqual([pin('300000000000000001'), pin('300000000000000002', { place: { file: 'report.pdf', lines: [10, 12], page: 4 }, guildId: undefined })]);
      await store.trackPin(pin('300000000000000001', { question: 'Who kept it?' }));
      const pins = await store.trackedPins();
      expect(pins).toHaveLength(2);
      expect(pins.find((tracked) => tracked.messageId === '300000000000000001')?.question).toBe('Who kept it?');
    });

    it('updates a pin after an edit and forgets pins no longer pinned', async () => {
      await store.trackPin(pin('300000000000000001'));
      await store.trackPin(pin('300000000000000002'));
      await store.updatePin('300000000000000001', { place: { file: 'lighthouse.txt', lines: [7, 8] }, message: '{"edited":true}', status: 'changed' });
      await store.untrackPins(['300000000000000002']);
      await store.untrackPins([]);
      expect(await store.trackedPins()).toEqual([
        pin('300000000000000001', { place: { file: 'lighthouse.txt', lines: [7, 8] }, message: '{"edited":true}', status: 'changed' }),
      ]);
    });

    it('lets exactly one holder claim a pin for an edit, until it is edited, let go, or the claim lapses', async () => {
      const seen = pin('300000000000000001');
      await store.trackPin(seen);
      const claims = await Promise.all(['a', 'b', 'c'].map((holder) => store.claimPin(seen.messageId, seen.message, holder, 60_000)));
      expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim === 'held')).toHaveLength(2);
      const holder = ['a', 'b', 'c'][claims.indexOf('claimed')] as string;
      await store.releasePin(seen.messageId, 'someone else');
      expect(await store.claimPin(seen.messageId, seen.message, 'd', 60_000)).toBe('held');
      await store.releasePin(seen.messageId, holder);
      expect(await store.claimPin(seen.messageId, seen.message, 'd', 60_000)).toBe('claimed');
      await store.updatePin(seen.messageId, { place: seen.place, message: '{"edited":true}', status: 'changed' });
      // Read before the edit: what it saw is no longer there, so another instance has done the work.
      expect(await store.claimPin(seen.messageId, seen.message, 'e', 60_000)).toBe('handled');
      expect(await store.claimPin(seen.messageId, '{"edited":true}', 'e', 1)).toBe('claimed');
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.claimPin(seen.messageId, '{"edited":true}', 'f', 60_000)).toBe('claimed');
      await store.untrackPins([seen.messageId]);
      expect(await store.claimPin(seen.messageId, '{"edited":true}', 'g', 60_000)).toBe('handled');
    });

    it('records unanswered questions newest first, reads them back from a date, and forgets the old ones', async () => {
      const now = Date.now();
      const asked = (question: string, daysAgo: number) => ({
        question,
        verdict: 'none' as const,
        askedAt: new Date(now - daysAgo * DAY),
        guildId: '222222222222222222',
        channelId: '111111111111111111',
      });
      await store.recordQuestion(asked('old question', 40));
      await store.recordQuestion(asked('last week', 7));
      await store.recordQuestion({ ...asked('today', 0), verdict: 'related', guildId: undefined, channelId: undefined });
      expect((await store.questionsSince(new Date(now - 10 * DAY))).map(({ question, verdict }) => [question, verdict])).toEqual([
        ['today', 'related'],
        ['last week', 'none'],
      ]);
      expect(await store.forgetQuestionsBefore(new Date(now - 30 * DAY))).toBe(1);
      expect((await store.questionsSince(new Date(0))).map(({ question }) => question)).toEqual(['today', 'last week']);
    });

    it('counts one vote per member per answer: a new vote, the same again, then the other', async () => {
      const vote = {
        voter: 'b'.repeat(64),
        messageId: '300000000000000001',
        passageId: '0123456789abcdef',
        file: 'lighthouse.txt',
        lines: [3, 4] as const,
        helpful: false,
        votedAt: new Date(),
      };
      expect(await store.vote(vote)).toBe('recorded');
      expect(await store.vote(vote)).toBe('unchanged');
      expect(await store.vote({ ...vote, helpful: true })).toBe('changed');
      expect(await store.vote({ ...vote, helpful: false })).toBe('changed');
    });

    it('lists the passages voted "not helpful" most often, within the period asked', async () => {
      const at = new Date();
      const vote = (voter: string, passageId: string, helpful: boolean, votedAt = at) => ({
        voter: voter.repeat(64),
        messageId: '300000000000000001',
        passageId,
        file: `${passageId}.txt`,
        lines: [1, 2] as const,
        helpful,
        votedAt,
      });
      await store.vote(vote('a', '1111111111111111', false));
      await store.vote(vote('b', '1111111111111111', false));
      await store.vote(vote('c', '2222222222222222', false));
      await store.vote(vote('d', '3333333333333333', true));
      await store.vote(vote('e', '4444444444444444', false, new Date(at.getTime() - 60 * DAY)));
      const listed = await store.notHelpfulPassages(new Date(at.getTime() - DAY), 10);
      expect(listed.map(({ passageId, notHelpful, file }) => [passageId, notHelpful, file])).toEqual([
        ['1111111111111111', 2, '1111111111111111.txt'],
        ['2222222222222222', 1, '2222222222222222.txt'],
      ]);
      expect(await store.notHelpfulPassages(new Date(0), 1)).toHaveLength(1);
    });

    it('makes one vote salt and keeps it, across a restart', async () => {
      const salt = await store.voteSalt();
      expect(salt).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.voteSalt()).toBe(salt);
      await store.recordQuestion({ question: 'kept?', verdict: 'none', askedAt: new Date(), guildId: undefined, channelId: undefined });
      await store.close();
      store = await factory.reopen();
      expect(await store.voteSalt()).toBe(salt);
      expect((await store.questionsSince(new Date(0))).map(({ question }) => question)).toEqual(['kept?']);
    });
  });
}
