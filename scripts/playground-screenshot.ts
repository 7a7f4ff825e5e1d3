/**
 * `npm run screenshot`: docs/playground.png, the picture of the playground in README.md. Serves the seed sources on
 * a free port of 127.0.0.1, asks a question in headless Chromium (scripts/browser.ts) and keeps the page as shown.
 */
import path from 'node:path';
import { loadCoreConfig } from '../src/config.js';
import { HttpServer } from '../src/http/server.js';
import { openLibrary } from '../src/library.js';
import { createLogger } from '../src/log.js';
import { LiveLibrary } from '../src/reload.js';
import { launchChromium } from './browser.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'playground.png');
const QUESTION = 'Who is Laura Watson?';

const logger = createLogger('warn');
const { search } = loadCoreConfig({}, ROOT);
const library = await openLibrary({ ...search, dataDir: path.join(ROOT, 'data'), warn: (message) => logger.warn(message) });
// In hybrid mode, as the bot answers once every passage has been read for meaning.
await library.semanticSearchComplete();
const server = new HttpServer({
  settings: { publicKey: undefined, token: undefined, apiUrl: undefined, sourceBaseUrl: undefined, answerCooldown: undefined, rateLimit: undefined },
  logger,
});
const { port } = await server.listen(0, '127.0.0.1');
server.serveFrom(new LiveLibrary(library, () => Promise.resolve(library), logger));
const browser = await launchChromium({ width: 960, height: 1200 });
try {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByLabel('Your question').fill(QUESTION);
  await page.keyboard.press('Enter');
  await page.locator('#messages article .embed-footer').waitFor();
  await page.locator('#sources li').first().waitFor();
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`written ${path.relative(process.cwd(), OUT)}`);
} finally {
  await browser.close();
  await server.close();
  library.close();
}
