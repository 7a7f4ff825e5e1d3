import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { dataFolder } from '../helpers.js';
import { startHttpHarness, type HttpHarness } from './harness.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function get(route: string, init?: RequestInit) {
  const response = await fetch(`${(harness as HttpHarness).origin}${route}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

describe('GET /api/ask', () => {
  it('returns exactly the object `npm run ask -- --json` prints', async () => {
    harness = await startHttpHarness();
    const question = 'Who is Laura Watson?';
    const api = await get(`/api/ask?q=${encodeURIComponent(question)}&top=3`);
    expect(api.status).toBe(200);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--json', '--mode', 'lexical', '--top', '3', question], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(api.json()).toEqual(JSON.parse(stdout));
    expect(api.json().results).toHaveLength(3);
  });

  it('says what is wrong with a missing question or a bad top, as JSON with no stack trace', async () => {
    harness = await startHttpHarness();
    for (const route of ['/api/ask', '/api/ask?q=%20', '/api/ask?q=hi&top=0', '/api/ask?q=hi&top=many', '/api/ask?q=hi&top=101']) {
      const response = await get(route);
      expect(response.status, route).toBe(400);
      expect(Object.keys(response.json())).toEqual(['error']);
      expect(response.text).not.toMatch(/\.(ts|js):\d+/);
    }
    expect((await get('/nowhere')).status).toBe(404);
    const wrongMethod = await get('/api/ask?q=hi', { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });
});

describe('GET /api/sources', () => {
  it('lists every source with its title and passage count', async () => {
    harness = await startHttpHarness();
    const { sources } = (await get('/api/sources')).json();
    expect(sources).toHaveLength(5);
    expect(sources[0]).toEqual({ file: '000_5be5de7e3b6445fb.txt', title: 'Sex workers’ call for Met help', passages: 6 });
  });
});

describe('GET /healthz', () => {
  it('is 503 while the sources are first indexed, and 200 once they are', async () => {
    harness = await startHttpHarness({ indexing: true });
    expect((await get('/healthz')).status).toBe(503);
    expect((await get('/api/ask?q=hello')).status).toBe(503);
    harness.server.serveFrom(harness.live);
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', sources: 5, passages: 31 });
  });
});

describe('limits', () => {
  it('holds each address to its share on /api and the page, with Retry-After, but never /interactions', async () => {
    harness = await startHttpHarness({ settings: { rateLimit: { requests: 3, windowSeconds: 60 } } });
    const statuses = [];
    for (const route of ['/', '/api/sources', '/api/ask?q=Laura', '/api/sources']) statuses.push((await get(route)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await get('/api/ask?q=Laura');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json().error).toMatch(/^Too many requests\. Try again in \d+ s\.$/);
    // Health, metrics and Discord's endpoint are not counted.
    expect((await get('/healthz')).status).toBe(200);
    const ping = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 'x', version: 1 });
    for (let round = 0; round < 5; round++) {
      const response = await get('/interactions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...harness.emulator.signatureHeaders(ping) },
        body: ping,
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses an oversized playground body with 413', async () => {
    harness = await startHttpHarness();
    const response = await get('/api/playground', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'x'.repeat(100 * 1024) }),
    });
    expect(response.status).toBe(413);
  });
});

describe('without DISCORD_PUBLIC_KEY', () => {
  it('has no /interactions, and the page and the API still answer', async () => {
    harness = await startHttpHarness({ settings: { publicKey: undefined, token: undefined } });
    expect((await get('/interactions', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await get('/')).text).toContain('<label for="question">');
    expect((await get('/api/ask?q=Who%20is%20Laura%20Watson%3F')).json().answered).toBe(true);
  });
});

describe('POST /api/playground', () => {
  it('runs /ask and its buttons through the bot handlers, and returns what the bot would post', async () => {
    harness = await startHttpHarness();
    const asked = (
      await get('/api/playground', { method: 'POST', body: JSON.stringify({ question: 'Who is Laura Watson?' }) })
    ).json();
    const [answer] = asked.messages;
    expect(answer.ephemeral).toBe(false);
    expect(answer.embeds[0].title).toBe('Who is Laura Watson?');
    expect(answer.embeds[0].footer.text).toBe('Match 1 of 4');
    const pressed = (
      await get('/api/playground', { method: 'POST', body: JSON.stringify({ customId: 'ask:next:1', message: answer }) })
    ).json();
    expect(pressed.messages[0]).toMatchObject({ updated: true, embeds: [{ title: 'Who is Laura Watson?', footer: { text: 'Match 2 of 4' } }] });
    const helpful = answer.components[1].components[0].custom_id as string;
    expect(helpful).toMatch(/^vote:up:[0-9a-f]{16}$/);
    const voted = (await get('/api/playground', { method: 'POST', body: JSON.stringify({ customId: helpful, message: answer }) })).json();
    expect(voted.messages).toEqual([expect.objectContaining({ ephemeral: true, content: 'Votes are counted only on answers in a Discord server.' })]);
    expect((await get('/api/playground', { method: 'POST', body: '{"customId": 5}' })).status).toBe(400);
    expect((await get('/api/playground', { method: 'POST', body: 'not json' })).status).toBe(400);
  });
});

describe('hot reload in serve mode', () => {
  it('answers from a source added to the data folder, and counts the reload', async () => {
    const dataDir = await dataFolder({ 'a.txt': 'The lighthouse keeper rows to the island every Tuesday.\n' });
    harness = await startHttpHarness({ library: await Library.open({ dataDir }) });
    const watch = harness.live.watch(50);
    try {
      expect((await get('/api/ask?q=When%20does%20the%20ferry%20leave%3F')).json().answered).toBe(false);
      // Written until seen: the watcher is set up in the background, and a change made before it is ready is missed.
      await expect
        .poll(
          async () => {
            await writeFile(path.join(dataDir, 'b.txt'), 'The ferry leaves the harbour at nine every morning.\n');
            return (await get('/api/sources')).json().sources.length;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBe(2);
      expect((await get('/api/ask?q=When%20does%20the%20ferry%20leave%3F')).json().results[0].file).toBe('b.txt');
      expect((await get('/metrics')).text).toMatch(/^citebot_reloads_total\{result="ok"\} [1-9]/m);
      expect((await get('/metrics')).text).toMatch(/^citebot_index_sources 2$/m);
    } finally {
      watch.close();
    }
  });
});
