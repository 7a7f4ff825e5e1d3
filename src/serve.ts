/**
 * `npm run serve`: citebot over HTTP, with no gateway connection. Discord's interactions endpoint (with
 * DISCORD_PUBLIC_KEY), the playground page, the JSON API, /healthz and /metrics; see src/http/server.ts.
 */
import { EXIT_CONFIG, EXIT_CRASH, exitWith, serveConfigOrExit, shutDownOnSignals } from './exit.js';
import { HttpServer } from './http/server.js';
import { createLogger } from './log.js';
import { openRunningOrExit } from './running.js';

const config = serveConfigOrExit();
const logger = createLogger(config.logLevel);
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(EXIT_CRASH);
});

// Listening first: /healthz says 503 while the sources are indexed, so that a load balancer waits for them.
const server = new HttpServer({ settings: config, logger });
let address;
try {
  address = await server.listen(config.port, config.host);
} catch (error) {
  exitWith(`Cannot listen on ${config.host}:${config.port}: ${(error as Error).message}. Set HOST and PORT.`, EXIT_CONFIG);
}
const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
logger.info(
  { url: `http://${host}:${address.port}/`, interactionsEndpoint: config.publicKey !== undefined },
  'listening',
);

const running = await openRunningOrExit(config, logger);
server.serveFrom(running.live, running.store, running.announceReindex);
shutDownOnSignals(logger, () => running.close(server.close()));
