import { describe, expect, it } from 'vitest';
import { capturedLogger } from '../helpers.js';
import type { VectorProgress } from '../../src/semantic/passage-vectors.js';
import { describeSearch, loggedProgress, progressLine } from '../../src/semantic/progress.js';

/** 400 of 1,000 passages done, 100 of them found stored, 10 s after the start: 30 passages a second. */
function tenSecondsIn(): { progress: VectorProgress; now: number } {
  const now = performance.now();
  return { progress: { passages: 1000, passagesDone: 400, passagesStored: 100, startedAt: now - 10_000 }, now };
}

describe('progress of the passage vectors', () => {
  it('in a terminal: passages done, the rate, and the time left', () => {
    const { progress, now } = tenSecondsIn();
    expect(progressLine(progress, now)).toBe(
      'passage vectors ▕█████████░░░░░░░░░░░░░░░▏ 400 / 1,000 passages · 30.0 /s · 20 s left',
    );
  });

  it('in /sources: how answers are found now', () => {
    const { progress } = tenSecondsIn();
    expect(describeSearch({ mode: 'lexical' })).toBe('Search by words.');
    expect(describeSearch({ mode: 'hybrid', state: 'building', progress })).toMatch(
      /^Search by words; by meaning too once every passage is read \(400 of 1,000, about \d+ s left\)\.$/,
    );
    expect(describeSearch({ mode: 'hybrid', state: 'ready', progress })).toBe('Search by words and meaning.');
  });

  it('in the log: a line every few seconds while they are computed, and one when they are complete', () => {
    const { logger, lines } = capturedLogger();
    const report = loggedProgress(logger, 0);
    const { progress } = tenSecondsIn();
    report({ mode: 'hybrid', state: 'building', progress });
    report({ mode: 'hybrid', state: 'ready', progress: { ...progress, passagesDone: 1000 } });
    expect(lines.map((line) => line.msg)).toEqual([
      'computing passage vectors; ranking is lexical until they are complete',
      'passage vectors complete: ranking is hybrid',
    ]);
    expect(lines[0]).toMatchObject({ passagesDone: 400, passages: 1000, perSecond: 30 });
    expect(lines[1]).toMatchObject({ passages: 1000, computed: 900 });
  });

  it('in the log: the engine that reads for meaning, named once, when a worker thread has loaded it', () => {
    const { logger, lines } = capturedLogger();
    const report = loggedProgress(logger, Infinity);
    const { progress } = tenSecondsIn();
    const done = { ...progress, passagesDone: 1000 };
    const engine = { engine: 'ONNX Runtime 1.30.0 (CPU, 2 operator threads, graph read from its cache)' };
    report({ mode: 'hybrid', state: 'building', progress });
    report({ mode: 'hybrid', state: 'building', progress, engine });
    report({ mode: 'hybrid', state: 'ready', progress: done, engine });
    // The worker that reads questions reports its engine too, once the passages are read.
    report({ mode: 'hybrid', state: 'ready', progress: done, engine });
    expect(lines.map((line) => line.msg)).toEqual(['reading for meaning', 'passage vectors complete: ranking is hybrid']);
    expect(lines[0]).toMatchObject(engine);

    // A fallback engine is named by the warning where it is chosen, not again here.
    const fallbackLines = lines.length;
    const fallback = loggedProgress(logger, Infinity);
    fallback({ mode: 'hybrid', state: 'building', progress, engine: { engine: 'WebAssembly', fallbackReason: 'no ONNX Runtime' } });
    expect(lines).toHaveLength(fallbackLines);
  });
});
