import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/corpus/load.js';
import { splitIntoPassages } from '../../../src/corpus/passages.js';
import { dataFolder } from '../../helpers.js';

async function load(files: Record<string, string | Uint8Array>) {
  const warnings: string[] = [];
  const sources = await loadSources(await dataFolder(files), (message) => warnings.push(message));
  return { sources, warnings };
}

const paragraph = (topic: string) =>
  `<p>The ${topic} was discussed at length by the outreach workers, who said that the women they meet every week ` +
  'need safe places to work, advice on housing and health, and a police response they can trust.</p>';

/** A news article as a browser saves it: the site's navigation, a cookie banner, "most read" and footer around it. */
const SAVED_ARTICLE = `<!doctype html>
<html lang="en"><head>
  <meta charset="utf-8"><title>Soho raids | The Local Paper</title>
  <meta property="og:title" content="Sex workers’ call for Met help">
  <link rel="canonical" href="https://news.example.org/2024/soho-raids">
  <script>window.tracking = true;</script><style>nav { color: red }</style>
</head><body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
  <div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience. <button>Accept all cookies</button></div>
  <main><article>
    <h1>Sex workers’ call for Met help</h1>
    ${paragraph('first raid')}
    <h2 id="what-campaigners-want">What campaigners want</h2>
    ${paragraph('legislative reform')}
    <ul><li>Decriminalise working together for safety.</li><li>Stop the raids on walk-ups.</li></ul>
    ${paragraph('borough commander’s letter')}
    <h3>The letter</h3>
    ${paragraph('reply from the council')}
  </article></main>
  <aside class="most-read"><h2>Most read</h2><ol><li><a href="/a">Celebrity chef opens bakery</a></li><li><a href="/b">Bin collections change</a></li></ol></aside>
  <footer><p>© The Local Paper 2024. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>`;

describe('HTML sources', () => {
  it('keep the main content only, headline first: no navigation, cookie banner, "most read" list, footer or script', async () => {
    const { sources, warnings } = await load({ 'soho.html': SAVED_ARTICLE });
    expect(warnings).toEqual([]);
    const text = sources[0]?.text ?? '';
    expect(text.split('\n')[0]).toBe('Sex workers’ call for Met help');
    expect(text).toContain('need safe places to work');
    expect(text).toContain('Stop the raids on walk-ups.');
    for (const boilerplate of ['Sport', 'cookies', 'Celebrity chef', 'All rights reserved', 'tracking', 'color: red']) {
      expect(text).not.toContain(boilerplate);
    }
  });

  it('are titled by og:title, else <title>, else the first <h1>; linked to their canonical address', async () => {
    const { sources } = await load({
      'a.html': SAVED_ARTICLE,
      'b.htm': '<html><head><title>Only a title</title></head><body><p>Text of b.</p></body></html>',
      'c.html': '<html><body><h1>Only a heading</h1><p>Text of c.</p></body></html>',
      'd.html': '<html><head><meta property="og:url" content="https://example.org/d"></head><body><p>Text of d.</p></body></html>',
    });
    expect(sources.map((source) => source.title)).toEqual([
      'Sex workers’ call for Met help',
      'Only a title',
      'Only a heading',
      'd.html',
    ]);
    expect(sources.map((source) => source.url)).toEqual([
      'https://news.example.org/2024/soho-raids',
      undefined,
      undefined,
      'https://example.org/d',
    ]);
  });

  it('one block a line: paragraphs, list items, table rows and code each on their own lines', async () => {
    const { sources } = await load({
      'table.html':
        '<body><p>Opening hours of the drop-in centre.</p><table><tr><th>Day</th><th>Hours</th></tr>' +
        '<tr><td>Monday</td><td>10–4</td></tr></table><pre>line one\n  line two</pre><p>Call us<br>any day.</p></body>',
    });
    expect(sources[0]?.text).toBe(
      'Opening hours of the drop-in centre.\nDay | Hours\nMonday | 10–4\nline one\n  line two\nCall us\nany day.',
    );
  });

  it('give passages their heading path, the heading anchor, and the page address as their link', async () => {
    const [article] = (await load({ 'soho.html': SAVED_ARTICLE })).sources;
    if (article === undefined) throw new Error('the page was not read');
    const passages = splitIntoPassages(article);
    const letter = passages.find((passage) => passage.text.includes('reply from the council'));
    expect(letter?.section).toEqual(['Sex workers’ call for Met help', 'What campaigners want', 'The letter']);
    expect(letter?.anchor).toBe('the-letter');
    expect(letter?.url).toBe('https://news.example.org/2024/soho-raids');
    const wants = passages.find((passage) => passage.text.includes('legislative reform'));
    // A heading's own id is its anchor.
    expect(wants?.anchor).toBe('what-campaigners-want');
    expect(wants?.text.startsWith('What campaigners want\n')).toBe(true);
  });
});
