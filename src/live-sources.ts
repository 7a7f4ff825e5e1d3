/**
 * The data folder as `npm start` and `npm run serve` keep it: opened once (web pages read from recent snapshots),
 * then rebuilt when its files change and every WEB_REFRESH_MINUTES for the web pages it lists.
 */
import { defaultSourceOptions, listsWebPages, type Warn } from './corpus/load.js';
import type { CoreConfig } from './config.js';
import { openLibrary, type Library } from './library.js';
import type { Logger } from './log.js';
import { LiveLibrary } from './reload.js';
import { describeSearch, loggedProgress } from './semantic/progress.js';

export interface LiveSources {
  readonly live: LiveLibrary;
  /** Stops watching the folder and refreshing its web pages. */
  close(): void;
}

/** Throws DataFolderError when the folder cannot be read at all. */
export async function openLiveSources(
  config: CoreConfig & { readonly reloadDebounceMs: number },
  logger: Logger,
): Promise<LiveSources> {
  // Hybrid: answers are by words at once, and by words and meaning once the passages are read in the background.
  // At start, web pages fetched lately are read from their snapshots; a reload fetches every one again.
  const open = (warn: Warn, fetchEveryPage = true): Promise<Library> =>
    openLibrary({
      ...config.search,
      dataDir: config.dataDir,
      warn,
      sources: defaultSourceOptions(config.webRefreshMs, fetchEveryPage),
      onProgress: loggedProgress(logger),
    });
  const library = await open((message) => logger.warn(message), false);
  logger.info(
    { sources: library.sources.length, passages: library.passages.length, search: describeSearch(library.searchStatus) },
    'sources indexed',
  );
  const live = new LiveLibrary(library, open, logger);
  const watch = live.watch(config.reloadDebounceMs);
  // Listed web pages are fetched again (conditionally: an unchanged page costs its server little) every
  // WEB_REFRESH_MINUTES, by a reload, which keeps answering from the previous library until the new one is built.
  const webRefresh =
    config.webRefreshMs > 0
      ? setInterval(() => {
          void listsWebPages(config.dataDir).then((lists) => {
            if (lists) void live.reload('web pages are due to be fetched again');
          });
        }, config.webRefreshMs).unref()
      : undefined;
  return {
    live,
    close() {
      watch.close();
      clearInterval(webRefresh);
    },
  };
}
