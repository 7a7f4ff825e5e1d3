import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSources } from '../../src/corpus/load.js';
import { splitIntoPassages } from '../../src/corpus/passages.js';
import { parseUrlsFile, webPageStates, type WebPageOptions } from '../../src/corpus/web-pages.js';
import { dataFolder } from '../helpers.js';
import { makePdf } from './formats/fixtures.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A web server on 127.0.0.1 whose answers the test decides, keeping every request it gets. */
async function serve(handler: Handler): Promise<{ base: string; requests: IncomingMessage[]; handle: (next: Handler) => void }> {
  const requests: IncomingMessage[] = [];
  let current = handler;
  const server = createServer((request, response) => {
    requests.push(request);
    current(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests, handle: (next) => (current = next) };
}

const ARTICLE = `<!doctype html><html><head><title>Drop-in | Site</title>
<meta property="og:title" content="The drop-in centre moves to Camden"></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>The drop-in centre moves to Camden</h1>
<p>The women's drop-in centre will open in Camden from May, with longer hours on Mondays and Thursdays and a nurse
on site twice a week, the charity that runs it said.</p></article>
<footer>© Site</footer></body></html>`;

/** Answers with the article and an ETag, or 304 when the client already has it. */
const articleWithEtag: Handler = (request, response) => {
  if (request.headers['if-none-match'] === '"v1"') {
    response.writeHead(304, { etag: '"v1"' }).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' }).end(ARTICLE);
};

async function load(dataDir: string, options: WebPageOptions) {
  const warnings: string[] = [];
  const sources = await loadSources(dataDir, (message) => warnings.push(message), { webPages: options });
  return { sources, warnings };
}

describe('the *.urls file', () => {
  it('lists one address a line; # starts a comment; other lines are reported by number', () => {
    const { addresses, problems } = parseUrlsFile(
      '# News about the drop-in\nhttps://example.org/a  # the first\n\nhttps://example.org/b#section\nnot an address\n' +
        'ftp://example.org/c\nhttps://example.org/a\n',
    );
    expect(addresses).toEqual(['https://example.org/a', 'https://example.org/b#section']);
    expect(problems.map((problem) => problem.line)).toEqual([5, 6, 7]);
    expect(problems[2]?.message).toMatch(/listed twice/);
  });
});

describe('web pages by address', () => {
  it('are fetched, kept outside the data folder and read like a saved page, cited by address and date', async () => {
    const { base } = await serve(articleWithEtag);
    const dataDir = await dataFolder({ 'news.urls': `${base}/drop-in\n`, 'notes.txt': 'Local notes.' });
    const snapshotDir = await dataFolder({});
    const { sources, warnings } = await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    expect(warnings).toEqual([]);
    const page = sources.find((source) => source.file === `${base}/drop-in`);
    expect(page).toMatchObject({ format: 'html', title: 'The drop-in centre moves to Camden', url: `${base}/drop-in` });
    expect(page?.web).toMatchObject({ address: `${base}/drop-in`, listedIn: 'news.urls', status: 'ok' });
    expect(page?.text).not.toContain('Home');
    const [passage] = splitIntoPassages(page ?? sources[0]!);
    expect(passage).toMatchObject({ url: `${base}/drop-in`, retrieved: page?.web?.retrieved });
    expect(Date.parse(passage?.retrieved ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('are asked for again with conditional requests, and not at all while their copy is recent', async () => {
    const { base, requests } = await serve(articleWithEtag);
    const dataDir = await dataFolder({ 'news.urls': `${base}/drop-in\n` });
    const snapshotDir = await dataFolder({});
    await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    const { sources } = await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    expect(requests.map((request) => request.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(sources[0]?.title).toBe('The drop-in centre moves to Camden');
    await load(dataDir, { snapshotDir, maxAgeMs: 3_600_000 });
    expect(requests).toHaveLength(2);
  });

  it('send If-Modified-Since when the server gave Last-Modified', async () => {
    const modified = 'Tue, 14 May 2024 10:00:00 GMT';
    const { base, requests } = await serve((request, response) => {
      if (request.headers['if-modified-since'] === modified) response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'text/plain', 'last-modified': modified }).end('Opening times: Monday to Friday, ten till four.');
    });
    const dataDir = await dataFolder({ 'pages.urls': `${base}/hours.txt\n` });
    const snapshotDir = await dataFolder({});
    await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    const { sources } = await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    expect(requests[1]?.headers['if-modified-since']).toBe(modified);
    expect(sources[0]).toMatchObject({ format: 'text', text: 'Opening times: Monday to Friday, ten till four.' });
  });

  it('keep their last snapshot when they fail, reported as failing', async () => {
    const server = await serve(articleWithEtag);
    const dataDir = await dataFolder({ 'news.urls': `${server.base}/drop-in\n` });
    const snapshotDir = await dataFolder({});
    const first = await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    server.handle((_request, response) => response.writeHead(503, 'Service Unavailable').end());
    const { sources, warnings } = await load(dataDir, { snapshotDir, maxAgeMs: 0 });
    expect(sources[0]?.text).toBe(first.sources[0]?.text);
    expect(sources[0]?.web).toMatchObject({ status: 'failing', problem: 'the server answered 503 Service Unavailable' });
    expect(sources[0]?.web?.retrieved).toBe(first.sources[0]?.web?.retrieved);
    expect(warnings).toEqual([
      `could not fetch ${server.base}/drop-in (listed in news.urls): the server answered 503 Service Unavailable. ` +
        `Answering from the copy retrieved ${first.sources[0]?.web?.retrieved}`,
    ]);
    const [state] = await webPageStates([{ address: `${server.base}/drop-in`, listedIn: 'news.urls' }], snapshotDir);
    expect(state).toMatchObject({ status: 'failing', retrieved: first.sources[0]?.web?.retrieved });
  });

  it('are fetched within limits of size, time and redirects; a page never fetched is reported, the rest served', async () => {
    const { base } = await serve((request, response) => {
      if (request.url === '/big') response.writeHead(200, { 'content-type': 'text/html' }).end('<p>x</p>'.repeat(2_000));
      else if (request.url === '/loop') response.writeHead(302, { location: '/loop' }).end();
      else if (request.url === '/slow') response.writeHead(200, { 'content-type': 'text/html' }).write('<p>'); // never ends
      else if (request.url === '/moved') response.writeHead(301, { location: '/report.pdf' }).end();
      else if (request.url === '/report.pdf') {
        void makePdf([{ lines: [{ text: 'The annual report, served as a PDF.' }] }]).then((pdf) =>
          response.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf),
        );
      } else response.writeHead(404, 'Not Found').end();
    });
    const listed = ['/big', '/loop', '/slow', '/gone', '/moved'].map((route) => `${base}${route}`);
    const dataDir = await dataFolder({ 'pages.urls': listed.join('\n') });
    const snapshotDir = await dataFolder({});
    const { sources, warnings } = await load(dataDir, {
      snapshotDir,
      maxAgeMs: 0,
      limits: { maxBytes: 10_000, timeoutMs: 1_000, maxRedirects: 3 },
    });
    expect(sources.map((source) => [source.file, source.format, source.url])).toEqual([
      [`${base}/moved`, 'pdf', `${base}/report.pdf`],
    ]);
    const unsearchable = (route: string, problem: string) =>
      `could not fetch ${base}${route} (listed in pages.urls): ${problem}. It is not searchable until it can be fetched`;
    expect(warnings).toEqual([
      unsearchable('/big', 'the page is larger than 10 KB'),
      unsearchable('/loop', 'more than 3 redirects'),
      unsearchable('/slow', 'no complete answer within 1 s'),
      unsearchable('/gone', 'the server answered 404 Not Found'),
    ]);
    const states = await webPageStates(listed.map((address) => ({ address, listedIn: 'pages.urls' })), snapshotDir);
    expect(states.map((state) => state.status)).toEqual(['failing', 'failing', 'failing', 'failing', 'ok']);
  });

  it('are not fetched without a place to keep them, and the folder says so', async () => {
    const dataDir = await dataFolder({ 'news.urls': 'https://example.org/a\n', 'notes.txt': 'Notes.' });
    const warnings: string[] = [];
    const sources = await loadSources(dataDir, (message) => warnings.push(message));
    expect(sources.map((source) => source.file)).toEqual(['notes.txt']);
    expect(warnings).toEqual([expect.stringMatching(/news\.urls are not read here/)]);
  });
});
