import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePdf } from './corpus/formats/fixtures.js';
import { dataFolder } from './helpers.js';
import { FIXTURE, PARAPHRASE } from './semantic/fixture.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run ask` does, with no .env and a clean environment. */
function ask(args: string[], input?: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

describe('npm run ask', () => {
  it('prints the quoted passage, then its citation', async () => {
    const { code, stdout } = await ask(['Who is Laura Watson?']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^> .*Laura Watson/m);
    expect(stdout).toMatch(/📄 002_b621c17d5ab6b26c\.txt · lines? \d+(–\d+)? · Redbridge council’s efforts/);
  });

  // The seed sources' passage vectors are computed before the tests (test/seed-vectors.ts): hybrid is hybrid at once.
  it.each(['lexical', 'hybrid'])('says plainly when the sources do not answer (--mode %s)', async (mode) => {
    const { code, stdout } = await ask(['--mode', mode, 'What is the weather in Leeds?']);
    expect(code).toBe(0);
    expect(stdout).toContain("I couldn't find that in the sources.");
    expect(stdout).not.toMatch(/^> /m);
  });

  it('--json prints one object with the documented fields, and only JSON on stdout', async () => {
    const { code, stdout } = await ask(['--json', '--top', '2', 'Who is Laura Watson?']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(['question', 'answered', 'verdict', 'search', 'results']);
    expect(answer.verdict).toBe('answer');
    expect(answer.search).toBe('hybrid');
    expect(answer).toMatchObject({ question: 'Who is Laura Watson?', answered: true });
    expect(answer.results).toHaveLength(2);
    for (const result of answer.results) {
      expect(Object.keys(result)).toEqual(['file', 'title', 'lines', 'score', 'text', 'quote', 'quoteLines']);
      expect(result.lines).toEqual([expect.any(Number), expect.any(Number)]);
      expect(typeof result.score).toBe('number');
    }
    expect(answer.results[0].text).toContain('Laura Watson');
  });

  it.each(['lexical', 'hybrid'])(
    'with no question, answers one JSON line per input line, in order, whatever the line (--mode %s)',
    async (mode) => {
      const questions = ['Who is Laura Watson?', '', '😀😀😀', 'x'.repeat(6000), 'What is the weather in Leeds?', '"; --'];
      const { code, stdout } = await ask(['--mode', mode, '--top', '1'], `${questions.join('\n')}\n`);
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(lines.map((line) => line.question)).toEqual(questions);
      expect(lines.map((line) => line.answered)).toEqual([true, false, false, false, false, false]);
    },
  );

  it('--data reads another folder, files named relative to it; warnings go to stderr', async () => {
    const dir = await dataFolder({
      'guides/tenancy.md': '# Renting\n\nA landlord must protect the tenancy deposit within 30 days of receiving it.\n',
      'empty.txt': '',
    });
    const { code, stdout, stderr } = await ask(['--json', '--data', dir, 'When must a landlord protect the deposit?']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.results[0]).toMatchObject({ file: 'guides/tenancy.md', title: 'Renting', lines: [1, 3] });
    expect(stderr).toMatch(/empty\.txt/);
  });

  it('--json adds page, pageEnd (over a page break only), section and url where the source has them', async () => {
    const dir = await dataFolder({
      'report.pdf': await makePdf([
        { lines: [{ text: 'Kerb crawling', size: 16 }, { text: 'Fines for kerb crawling rose in Redbridge, where the council' }] },
        { lines: [{ text: 'says it will keep fining drivers who stop to pick up women.' }, { text: 'Outreach', size: 16, gapBefore: 14 }, { text: 'Outreach workers visited the flats in Soho every single week.' }] },
      ]),
      'guide.md': '# Guide\n\n## Deposits\n\nA landlord must protect the tenancy deposit within 30 days of receiving it.\n',
      'page.html': '<html><head><link rel="canonical" href="https://example.org/hours"></head><body><p>The clinic opens on Thursday evenings for walk-in appointments.</p></body></html>',
      'notes.txt': 'The van goes out on Friday nights with hot food.',
    });
    const questions = ['Who keeps fining drivers?', 'How often did outreach workers visit the flats?', 'When must a landlord protect the deposit?', 'When does the clinic open?', 'When does the van go out?'];
    const { code, stdout } = await ask(['--json', '--mode', 'lexical', '--top', '1', '--data', dir], `${questions.join('\n')}\n`);
    expect(code).toBe(0);
    const [fines, outreach, deposit, clinic, van] = stdout.trimEnd().split('\n').map((line) => JSON.parse(line).results[0]);
    expect(fines).toMatchObject({ file: 'report.pdf', page: 1, pageEnd: 2, section: ['Kerb crawling'] });
    expect(outreach).toMatchObject({ file: 'report.pdf', page: 2, section: ['Outreach'] });
    expect(outreach).not.toHaveProperty('pageEnd');
    expect(deposit).toMatchObject({ file: 'guide.md', section: ['Guide', 'Deposits'], lines: [1, 5] });
    expect(clinic).toMatchObject({ file: 'page.html', url: 'https://example.org/hours' });
    expect(Object.keys(van)).toEqual(['file', 'title', 'lines', 'score', 'text', 'quote', 'quoteLines']);
  });

  it('stops with a message that says what to do when the data folder is missing', async () => {
    const { code, stdout, stderr } = await ask(['--json', '--data', path.join(ROOT, 'no-such-folder'), 'hello']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/does not exist.*DATA_DIR/s);
  });

  it('refuses a bad --top with a usage message', async () => {
    const { code, stderr } = await ask(['--top', 'lots', 'police']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--top/);
  });

  it('refuses a bad --mode, and a bad SEARCH_MODE, saying what it takes', async () => {
    const bad = await ask(['--mode', 'fuzzy', 'police']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--mode takes lexical or hybrid/);
    const badEnvironment = await ask(['police'], undefined, { SEARCH_MODE: 'fuzzy' });
    expect(badEnvironment.code).toBe(2);
    expect(badEnvironment.stderr).toMatch(/SEARCH_MODE must be one of lexical, hybrid/);
  });

  it('--mode hybrid on new sources: reads them for meaning first (progress on stderr), then answers by both', async () => {
    const dir = await dataFolder(FIXTURE);
    const files = (stdout: string) => (JSON.parse(stdout).results as { file: string }[]).map((result) => result.file);
    const first = await ask(['--json', '--mode', 'hybrid', '--data', dir, PARAPHRASE]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/Reading the sources for meaning before answering/);
    expect(first.stderr).toMatch(/passage vectors complete \(5 computed\)/);
    expect(JSON.parse(first.stdout).search).toBe('hybrid');
    expect(files(first.stdout).indexOf('care.txt')).toBeLessThan(files(first.stdout).indexOf('gallery.txt'));

    const again = await ask(['--json', '--mode', 'hybrid', '--data', dir, PARAPHRASE]);
    expect(again.stderr).toBe('');
    expect(files(again.stdout)).toEqual(files(first.stdout));
  });

  it('--no-wait answers at once by words alone on sources not yet read for meaning, and says so', async () => {
    const dir = await dataFolder(FIXTURE);
    const json = await ask(['--json', '--no-wait', '--mode', 'hybrid', '--data', dir, PARAPHRASE]);
    expect(json.code).toBe(0);
    expect(json.stderr).toMatch(/Answering by words only while the sources are read for meaning/);
    const answer = JSON.parse(json.stdout);
    expect(answer.search).toBe('lexical');
    const files = (answer.results as { file: string }[]).map((result) => result.file);
    expect(files.indexOf('gallery.txt')).toBeLessThan(files.indexOf('care.txt'));
    const text = await ask(['--no-wait', '--mode', 'hybrid', '--data', await dataFolder(FIXTURE), 'Who kept the gallery open?']);
    expect(text.stdout).toContain('Found by words only: the sources are still being read for meaning');
  });
});
