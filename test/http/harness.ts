import type { ServerSettings } from '../../src/http/server.js';
import { HttpServer } from '../../src/http/server.js';
import { Library } from '../../src/library.js';
import type { LiveLibrary } from '../../src/reload.js';
import type { Store } from '../../src/store/store.js';
import { startEmulator, type DiscordEmulator } from '../discord/emulator/index.js';
import { liveLibrary } from '../discord/harness.js';
import { capturedLogger } from '../helpers.js';

/** `npm run serve`'s server on an ephemeral port, with Discord's side played by the emulator. */
export interface HttpHarness {
  readonly emulator: DiscordEmulator;
  readonly server: HttpServer;
  readonly live: LiveLibrary;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Every log line the server wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface HttpHarnessOptions {
  readonly library?: Library;
  readonly settings?: Partial<ServerSettings>;
  /** Leave the sources out until the test calls `server.serveFrom(live)` (as while they are first indexed). */
  readonly indexing?: boolean;
  /** Tracked pins, recorded questions and votes; unavailable without it. */
  readonly store?: Store;
}

export async function startHttpHarness(options: HttpHarnessOptions = {}): Promise<HttpHarness> {
  const emulator = await startEmulator();
  const { logger, lines: logs } = capturedLogger('debug');
  const server = new HttpServer({
    settings: {
      publicKey: emulator.publicKey,
      token: emulator.token,
      apiUrl: emulator.apiUrl,
      sourceBaseUrl: undefined,
      answerCooldown: undefined,
      rateLimit: undefined,
      ...options.settings,
    },
    logger,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  const live = liveLibrary(options.library ?? (await Library.open({ dataDir: 'data' })), logger);
  if (!options.indexing) server.serveFrom(live, options.store);
  emulator.useInteractionsEndpoint(`${origin}/interactions`);
  return {
    emulator,
    server,
    live,
    origin,
    logs,
    async close() {
      await server.close();
      await emulator.close();
    },
  };
}
