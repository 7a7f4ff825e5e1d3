/** How a build of passage vectors is shown: a bar in a terminal, a line in a log, a line in /sources. */
import type { Logger } from '../log.js';
import type { VectorProgress } from './passage-vectors.js';
import type { SearchStatus } from './semantic-search.js';

export interface ProgressFigures {
  readonly done: number;
  readonly total: number;
  /** Passages per second computed by this build (stored ones excluded); undefined until one is done. */
  readonly perSecond: number | undefined;
  /** Estimated from the rate so far; undefined until it can be, and once nothing is left. */
  readonly secondsLeft: number | undefined;
}

export function progressFigures(progress: VectorProgress, now = performance.now()): ProgressFigures {
  const computed = progress.passagesDone - progress.passagesStored;
  const seconds = (now - progress.startedAt) / 1000;
  const perSecond = computed > 0 && seconds > 0 ? computed / seconds : undefined;
  const left = progress.passages - progress.passagesDone;
  return {
    done: progress.passagesDone,
    total: progress.passages,
    perSecond,
    secondsLeft: perSecond === undefined || left === 0 ? undefined : left / perSecond,
  };
}

const count = (value: number) => Math.round(value).toLocaleString('en-GB');

/** "45 s", "3 min", "1 h 20 min": a rough time, as estimates deserve. */
export function roughDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** One sentence on how answers are ranked now, for /sources and the log. */
export function describeSearch(status: SearchStatus): string {
  if (status.mode === 'lexical') return 'Search by words.';
  switch (status.state) {
    case 'ready':
      return 'Search by words and meaning.';
    case 'building': {
      const { done, total, secondsLeft } = progressFigures(status.progress);
      const left = secondsLeft === undefined ? '' : `, about ${roughDuration(secondsLeft)} left`;
      return `Search by words; by meaning too once every passage is read (${count(done)} of ${count(total)}${left}).`;
    }
    case 'failed':
      return 'Search by words (reading the passages for meaning failed).';
    case 'stopped':
      return 'Search by words.';
  }
}

const BAR_CELLS = 24;
/** Redraws at most this often: a terminal repainted for every batch flickers and slows the build it shows. */
const REDRAW_MS = 100;

/** The state of a build in one terminal line: `passage vectors ▕██░░▏ 1,234 / 5,000 passages · 12.3 /s · 5 min left`. */
export function progressLine(progress: VectorProgress, now = performance.now()): string {
  const { done, total, perSecond, secondsLeft } = progressFigures(progress, now);
  const filled = total === 0 ? BAR_CELLS : Math.floor((done / total) * BAR_CELLS);
  const bar = `▕${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}▏`;
  const rate = perSecond === undefined ? 'starting' : `${perSecond.toFixed(1)} /s`;
  const left = secondsLeft === undefined ? '' : ` · ${roughDuration(secondsLeft)} left`;
  return `passage vectors ${bar} ${count(done)} / ${count(total)} passages · ${rate}${left}`;
}

/**
 * A progress bar on a terminal, redrawn in place and cleared when the build ends; when `inPlace` is false, or the
 * stream is not a terminal (a file), a plain line every `intervalMs` instead. Only `stream` is written to (the CLI
 * passes standard error, so that standard output stays pure answers).
 */
export function terminalProgress(
  stream: NodeJS.WriteStream,
  { inPlace = true, intervalMs = 10_000 }: { inPlace?: boolean; intervalMs?: number } = {},
): (status: SearchStatus) => void {
  const redraw = inPlace && stream.isTTY === true;
  let last = -Infinity;
  let drawn = false;
  let completeWritten = false;
  return (status) => {
    if (status.mode === 'lexical') return;
    const now = performance.now();
    if (status.state === 'building') {
      if (now - last < (redraw ? REDRAW_MS : intervalMs)) return;
      last = now;
      if (redraw) stream.write(`\r\u001b[2K${progressLine(status.progress, now)}`);
      else stream.write(`${progressLine(status.progress, now)}\n`);
      drawn = redraw;
      return;
    }
    if (drawn) stream.write('\r\u001b[2K');
    drawn = false;
    const computed = status.progress.passagesDone - status.progress.passagesStored;
    if (status.state === 'ready' && computed > 0 && !completeWritten) {
      completeWritten = true;
      stream.write(`passage vectors complete (${count(computed)} computed): ${describeSearch(status).toLowerCase()}\n`);
    }
  };
}

/**
 * A log line every `intervalMs` while passage vectors are computed, one when they are complete, and one naming the
 * engine that embeds once it is known (a fallback engine is warned about where it is chosen, src/semantic/pool.ts).
 */
export function loggedProgress(logger: Logger, intervalMs = 5_000): (status: SearchStatus) => void {
  let last = performance.now();
  let completeLogged = false;
  let engineLogged = false;
  return (status) => {
    if (status.mode === 'lexical') return;
    if (status.engine !== undefined && !engineLogged) {
      engineLogged = true;
      if (status.engine.fallbackReason === undefined) logger.info({ engine: status.engine.engine }, 'reading for meaning');
    }
    const now = performance.now();
    const { done, total, perSecond, secondsLeft } = progressFigures(status.progress, now);
    const figures = {
      passagesDone: done,
      passages: total,
      perSecond: perSecond === undefined ? undefined : Math.round(perSecond * 10) / 10,
      secondsLeft: secondsLeft === undefined ? undefined : Math.round(secondsLeft),
    };
    if (status.state === 'ready') {
      if (completeLogged) return;
      completeLogged = true;
      const seconds = Math.round((now - status.progress.startedAt) / 100) / 10;
      const computed = done - status.progress.passagesStored;
      logger.info({ passages: total, computed, seconds }, 'passage vectors complete: ranking is hybrid');
    } else if (status.state === 'building' && now - last >= intervalMs) {
      last = now;
      logger.info(figures, 'computing passage vectors; ranking is lexical until they are complete');
    }
  };
}
