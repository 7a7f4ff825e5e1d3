import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { makeDocx, makePdf } from '../corpus/formats/fixtures.js';
import { buttons, EPHEMERAL, option, shown, startHarness, type Harness } from './harness.js';
import { codeBlocks } from './markdown.js';

/**
 * A data folder of a generated PDF, a Markdown guide with a code block, a Word file and a saved page, served by
 * the bot from its persisted index, watched for changes.
 */

const BASE_URL = 'https://example.org/sources/blob/main/data';

const RUNNING = { header: 'Outreach report 2023', footer: 'Camden outreach team' };
const REPORT_PAGES = [
  {
    ...RUNNING,
    lines: [
      { text: 'Outreach report 2023', size: 18 },
      { text: 'This report covers the work of the outreach van in Camden and Islington over the year.' },
    ],
  },
  {
    ...RUNNING,
    lines: [
      { text: 'Funding', size: 16 },
      { text: 'The council cut the outreach budget by a third in the spring of 2023, so the van' },
      { text: 'now visits on Tuesday nights only.' },
    ],
  },
  {
    ...RUNNING,
    lines: [
      { text: 'Health', size: 16 },
      { text: 'A nurse joins the van twice a month to offer sexual health checks.' },
    ],
  },
];

const GUIDE = `---
title: Volunteer guide
---

# Volunteer guide

Thank you for volunteering with the outreach team.

## Logging a visit

Log every visit on the shared laptop the same night, with this command:

\`\`\`sh
visits log --date today --area camden --women 4
\`\`\`

- write the area as one word
- never write anyone's name
`;

const SAVED_PAGE = `<!doctype html><html><head><title>Drop-in | Camden Council</title>
<link rel="canonical" href="https://camden.example.org/news/drop-in"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>The drop-in centre moves</h1>
<p>The women's drop-in centre moves to Kentish Town in May, with a nurse on site every Thursday afternoon.</p></article>
<footer>© Camden Council</footer></body></html>`;

let dataDir: string;
let report: Buffer;
let harness: Harness;

/** Folders made for this file, kept until its last test (a folder of test/helpers.ts goes after each test). */
const folders: string[] = [];
async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'citebot-formats-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

beforeAll(async () => {
  report = await makePdf(REPORT_PAGES, { title: 'Outreach report 2023' });
  dataDir = await folder({
    'report.pdf': report,
    'guide.md': GUIDE,
    'policy.docx': await makeDocx([
      { heading: 'Safeguarding policy', level: 1 },
      { heading: 'Reporting', level: 2 },
      { paragraph: 'Report every safeguarding concern to the duty manager on the same day.' },
    ]),
    'drop-in.html': SAVED_PAGE,
  });
  // The bot starts from the persisted index a first start wrote.
  const cacheDir = await folder({});
  await Library.open({ dataDir, cacheDir });
  const library = await Library.open({ dataDir, cacheDir });
  harness = await startHarness({ library, sourceBaseUrl: BASE_URL, reloadDebounceMs: 50 });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function ask(question: string) {
  const exchange = await harness.emulator.slashCommand('ask', [option('question', question)]);
  const response = await exchange.response();
  return { exchange, response, embed: response.data.embeds[0] };
}

describe('answers from every format', () => {
  it('cites a PDF passage to its page, linked at that page', async () => {
    const { embed } = await ask('How much did the council cut the outreach budget?');
    expect(shown(embed)).toContain('The council cut the outreach budget by a third');
    expect(shown(embed)).toMatch(/📄 report\.pdf · p\. 2 · § Outreach report 2023 › Funding · lines? [\d–]+ · Outreach report 2023\]/);
    expect(embed.description).toContain(`](${BASE_URL}/report.pdf#page=2)**`);
  });

  it('shows a Markdown quote as Markdown: the code block it announces as a code block, linked at its heading', async () => {
    const { embed } = await ask('How do I log a visit?');
    expect(codeBlocks(embed.description)).toEqual([{ language: 'sh', code: 'visits log --date today --area camden --women 4' }]);
    expect(shown(embed)).toContain('## Logging a visit\n');
    expect(embed.description).not.toMatch(/\\[#`]/);
    expect(shown(embed)).toContain('📄 guide.md · § Volunteer guide › Logging a visit · lines 9–15 · Volunteer guide]');
    expect(embed.description).toContain(`](${BASE_URL}/guide.md#logging-a-visit)**`);
  });

  it("links a saved page to its own address, and a Word file to the file", async () => {
    const page = await ask('Where does the drop-in centre move to?');
    expect(shown(page.embed)).toContain('Kentish Town');
    expect(page.embed.description).toContain('](https://camden.example.org/news/drop-in)**');
    const policy = await ask('Who do I report a safeguarding concern to?');
    expect(shown(policy.embed)).toContain('📄 policy.docx · § Safeguarding policy › Reporting');
    expect(policy.embed.description).toContain(`](${BASE_URL}/policy.docx)**`);
  });

  it('Find in sources cites the PDF page too', async () => {
    const claim = harness.emulator.postUserMessage('The council cut the outreach budget by a third');
    const response = await (await harness.emulator.messageCommand('Find in sources', claim)).response();
    expect(shown(response.data.embeds[0])).toContain('📄 report.pdf · p. 2');
  });
});

describe('the original file', () => {
  it('/source attaches the PDF itself, byte for byte, and counts its pages', async () => {
    const response = await (await harness.emulator.slashCommand('source', [option('file', 'report.pdf')])).response();
    expect(response.files).toHaveLength(1);
    expect(response.files?.[0]?.filename).toBe('report.pdf');
    expect(response.files?.[0]?.data.equals(report)).toBe(true);
    expect(response.data.embeds[0].footer.text).toMatch(/^report\.pdf · [\d.]+ KB · 3 pages · \d+ lines · \d+ passages?\. The whole source is attached\.$/);
  });

  it('"Show source" attaches the Markdown file as written, and shows its neighbours as Markdown', async () => {
    const { exchange } = await ask('How do I log a visit?');
    const showSource = buttons(exchange.replyMessage()).find(({ label }) => label === 'Show source');
    const response = await (await harness.emulator.button(exchange.replyMessage() as APIMessage, showSource?.id ?? '')).response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.files?.[0]?.filename).toBe('guide.md');
    expect(response.files?.[0]?.data.toString('utf8')).toBe(GUIDE);
    expect(codeBlocks(response.data.embeds[0].description)).toHaveLength(1);
  });

  it('"Show source" on a PDF answer names the pages of the passages around it, and attaches the PDF', async () => {
    const { exchange } = await ask('When does the nurse join the van?');
    const showSource = buttons(exchange.replyMessage()).find(({ label }) => label === 'Show source');
    const response = await (await harness.emulator.button(exchange.replyMessage() as APIMessage, showSource?.id ?? '')).response();
    expect(response.data.embeds[0].description).toMatch(/^\*p\. 2 · lines? [\d–]+\*\n/);
    expect(shown(response.data.embeds[0])).toContain('📄 report.pdf · p. 3');
    expect(response.files?.[0]?.data.equals(report)).toBe(true);
  });

  it('/source on a Word file attaches the .docx', async () => {
    const response = await (await harness.emulator.slashCommand('source', [option('file', 'policy.docx')])).response();
    expect(response.files?.[0]?.filename).toBe('policy.docx');
    expect(response.files?.[0]?.data.equals(await readFile(path.join(dataDir, 'policy.docx')))).toBe(true);
  });
});

describe('a change to the folder', () => {
  it('is read and served without a restart: the new PDF is listed, cited to its page and attached', async () => {
    const minutes = await makePdf([
      { lines: [{ text: 'Minutes of the March meeting', size: 18 }, { text: 'Present: the trustees and the coordinator.' }] },
      { lines: [{ text: 'Vans', size: 16 }, { text: 'The trustees agreed to buy a second van for the Hackney route next winter.' }] },
    ]);
    await writeFile(path.join(dataDir, 'minutes.pdf'), minutes);
    await expect.poll(() => harness.library.source('minutes.pdf'), { timeout: 20_000, interval: 50 }).toBeDefined();

    const sources = await (await harness.emulator.slashCommand('sources')).response();
    expect(shown(sources.data.embeds[0])).toContain('📄 minutes.pdf · ');
    const { embed } = await ask('What did the trustees agree to buy?');
    expect(shown(embed)).toContain('📄 minutes.pdf · p. 2');
    const source = await (await harness.emulator.slashCommand('source', [option('file', 'minutes.pdf')])).response();
    expect(source.files?.[0]?.data.equals(minutes)).toBe(true);
  });
});

describe('web pages listed in a .urls file', () => {
  const ARTICLE = `<!doctype html><html><head><title>Outreach van | News</title></head><body>
<article><h1>The outreach van gets a new driver</h1>
<p>From June the outreach van is driven by volunteers from the Kentish Town food bank on Friday nights.</p></article></body></html>`;
  let server: Server;
  let base: string;
  let failing = false;
  let pages: Harness;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/van' && !failing) response.writeHead(200, { 'content-type': 'text/html' }).end(ARTICLE);
      else response.writeHead(503, 'Service Unavailable').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const listing = await folder({ 'news.urls': `${base}/van\n${base}/gone\n`, 'notes.txt': 'Notes of the outreach team.' });
    const snapshotDir = await folder({});
    const open = () => Library.open({ dataDir: listing, sources: { webPages: { snapshotDir, maxAgeMs: 0 } } });
    await open();
    // The site goes down: the page is answered from its snapshot, and shows as failing.
    failing = true;
    pages = await startHarness({ library: await open() });
  }, 60_000);

  afterAll(async () => {
    await pages?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('/sources shows a failing page with why and the date of the copy still answered from', async () => {
    const response = await (await pages.emulator.slashCommand('sources')).response();
    const text = shown(response.data.embeds[0]);
    const today = new Date().toISOString().slice(0, 10);
    expect(text).toContain(
      `🌐 ${base}/van · Outreach van | News · 1 passage · ⚠️ failing: the server answered 503 Service Unavailable ` +
        `(tried ${today}) · answering from the copy retrieved ${today}`,
    );
    expect(text).toContain(`🌐 ${base}/gone · ⚠️ not searchable: the server answered 503 Service Unavailable (listed in news.urls)`);
    expect(response.data.embeds[0].title).toBe('Sources (2)');
    expect(response.data.embeds[0].footer.text).toBe('Page 1 of 1 · 2 web pages failing');
  });

  it('answers from the snapshot, linked to the page, and /source attaches the snapshot', async () => {
    const answer = await (await pages.emulator.slashCommand('ask', [option('question', 'Who drives the outreach van?')])).response();
    expect(shown(answer.data.embeds[0])).toContain(`📄 ${base}/van · § The outreach van gets a new driver · retrieved 20`);
    expect(answer.data.embeds[0].description).toContain(`](${base}/van)**`);
    const response = await (await pages.emulator.slashCommand('source', [option('file', `${base}/van`)])).response();
    expect(response.files?.[0]?.filename).toBe('127.0.0.1-van.html');
    expect(response.files?.[0]?.data.toString('utf8')).toBe(ARTICLE);
    expect(response.data.embeds[0].footer.text).toMatch(/A web page: the copy answers are quoted from, retrieved \d{4}-\d{2}-\d{2}, is attached\.$/);
  });
});
