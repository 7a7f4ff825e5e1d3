import { performance } from 'node:perf_hooks';
import type { Warn } from './corpus/load.js';
import { DEFAULT_POLL_MS, watchFolder, type FolderWatch } from './corpus/watch.js';
import type { Library } from './library.js';
import type { Logger } from './log.js';

/** Opens the data folder afresh, telling `warn` about every file skipped or decoded with a fallback. */
export type OpenLibrary = (warn: Warn) => Promise<Library>;

export type ReloadResult =
  | {
      readonly ok: true;
      /** The library now answering. */
      readonly library: Library;
      /** The one it replaced. */
      readonly previous: Library;
      readonly tookMs: number;
      /** Files skipped or decoded with a fallback (each is in the log). */
      readonly warnings: number;
    }
  | {
      readonly ok: false;
      /** The library still answering: the one from before. */
      readonly library: Library;
      readonly error: unknown;
      readonly tookMs: number;
    };

/**
 * The library the bot answers from, rebuilt when the sources change. A rebuild happens beside the library in use and
 * replaces it in one assignment once complete, so no question ever meets a half-built index; a rebuild that fails
 * leaves the previous library answering. Readers take `current` once and keep using that library to the end.
 */
export class LiveLibrary {
  #current: Library;
  readonly #open: OpenLibrary;
  readonly #logger: Logger;
  #running: Promise<ReloadResult> | undefined;
  #queued: Promise<ReloadResult> | undefined;
  readonly #onReload: ((result: ReloadResult) => void)[] = [];

  constructor(initial: Library, open: OpenLibrary, logger: Logger) {
    this.#current = initial;
    this.#open = open;
    this.#logger = logger;
  }

  get current(): Library {
    return this.#current;
  }

  /**
   * Rebuilds from the data folder. Requests coalesce: with no rebuild running, one starts; while one runs (it may
   * have read the folder before the change that prompted this request), every request made meanwhile shares the
   * single rebuild that starts after it.
   */
  reload(trigger: string): Promise<ReloadResult> {
    if (this.#running === undefined) return this.#start(trigger);
    this.#queued ??= this.#running.then(() => {
      this.#queued = undefined;
      return this.#start(trigger);
    });
    return this.#queued;
  }

  /** Tells `listener` of every rebuild, whether it succeeded or not (the HTTP server counts them). */
  onReload(listener: (result: ReloadResult) => void): void {
    this.#onReload.push(listener);
  }

  /** Rebuilds whenever files in the data folder are added, changed or removed, once they have been quiet for `debounceMs`. */
  watch(debounceMs: number): FolderWatch {
    const { dataDir } = this.#current;
    return watchFolder(dataDir, () => void this.reload('the data folder changed'), {
      debounceMs,
      onPolling: (error) =>
        this.#logger.warn(
          { err: error },
          `cannot watch the data folder for changes; looking at it every ${DEFAULT_POLL_MS / 1000} s instead`,
        ),
    });
  }

  #start(trigger: string): Promise<ReloadResult> {
    const run = this.#rebuild(trigger).then((result) => {
      if (this.#running === run) this.#running = undefined;
      for (const listener of this.#onReload) listener(result);
      return result;
    });
    this.#running = run;
    return run;
  }

  async #rebuild(trigger: string): Promise<ReloadResult> {
    const started = performance.now();
    const previous = this.#current;
    let warnings = 0;
    try {
      const library = await this.#open((message) => {
        warnings += 1;
        this.#logger.warn(message);
      });
      this.#current = library;
      // The replaced library stops computing passage vectors; the questions it is still answering are unaffected.
      previous.close();
      const tookMs = Math.round(performance.now() - started);
      this.#logger.info(
        { trigger, sources: library.sources.length, passages: library.passages.length, tookMs },
        'sources reindexed',
      );
      return { ok: true, library, previous, tookMs, warnings };
    } catch (error) {
      const tookMs = Math.round(performance.now() - started);
      this.#logger.error({ err: error, trigger, tookMs }, 'reindex failed; still answering from the previous sources');
      return { ok: false, library: previous, error, tookMs };
    }
  }
}
