import cacache from 'cacache';
import { fetch } from 'undici';
import type { SourceFormat, WebPageState } from './types.js';

/**
 * Web pages by address: a `*.urls` file in the data folder lists addresses, one a line (`#` starts a comment). Each
 * page is fetched, kept as a snapshot outside the data folder, and read from the snapshot like a saved file. A page
 * that cannot be fetched again keeps its last snapshot and is reported as failing.
 */

/** The ending of a file that lists web pages. */
export const URLS_EXTENSION = '.urls';

/** Where the CLI and the bot keep the snapshots of web pages, relative to where they run. */
export const DEFAULT_SNAPSHOT_DIR = '.cache/pages';

/** What one fetch may take. */
export interface FetchLimits {
  /** A body larger than this many bytes is not taken (default 10 MB, as for a saved HTML page). */
  readonly maxBytes: number;
  /** The whole fetch, redirects and body included, in milliseconds (default 15,000). */
  readonly timeoutMs: number;
  /** Redirects followed, at most (default 5). */
  readonly maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 10 * 1024 * 1024, timeoutMs: 15_000, maxRedirects: 5 };

/** How many pages are fetched at once. */
const CONCURRENT_FETCHES = 4;

export interface WebPageOptions {
  /** The folder the snapshots are kept in. */
  readonly snapshotDir: string;
  /**
   * A page whose last fetch is more recent than this, in milliseconds, is read from its snapshot without asking its
   * server again; 0 asks every time (a reload, /reindex).
   */
  readonly maxAgeMs: number;
  readonly limits?: FetchLimits;
}

/** A web page ready to be read: its snapshot's bytes and the format they are in, with its state. */
export interface WebPageSnapshot {
  readonly state: WebPageState;
  readonly bytes: Buffer;
  readonly format: SourceFormat;
  /** The address the page was served from, after redirects. */
  readonly servedFrom: string;
}

/** A listed address that could not be parsed, or was listed twice. */
export interface UrlsProblem {
  readonly line: number;
  readonly message: string;
}

/** The addresses a `*.urls` file lists, in order, and what is wrong with the lines that are not addresses. */
export function parseUrlsFile(text: string): { addresses: string[]; problems: UrlsProblem[] } {
  const addresses: string[] = [];
  const problems: UrlsProblem[] = [];
  for (const [index, raw] of text.split(/\r\n?|\n/).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      problems.push({ line: index + 1, message: `"${line}" is not an address (one http:// or https:// address a line)` });
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push({ line: index + 1, message: `"${line}" is not a web address: only http:// and https:// are fetched` });
    } else if (addresses.includes(line)) {
      problems.push({ line: index + 1, message: `${line} is listed twice` });
    } else {
      addresses.push(line);
    }
  }
  return { addresses, problems };
}

/** The format of a fetched body, by its Content-Type, else by the address's ending; HTML when neither says. */
export function formatOf(contentType: string | undefined, address: string): SourceFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/plain') return 'text';
  if (type === 'text/markdown' || type === 'text/x-markdown') return 'markdown';
  if (type === 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') return 'docx';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  const ending = /\.(\w+)$/.exec(new URL(address).pathname.toLowerCase())?.[1];
  const byEnding: Record<string, SourceFormat> = { pdf: 'pdf', txt: 'text', md: 'markdown', docx: 'docx' };
  return (ending === undefined ? undefined : byEnding[ending]) ?? 'html';
}

/** What is kept with a snapshot, besides its bytes. */
interface SnapshotMetadata {
  readonly address: string;
  readonly servedFrom: string;
  readonly contentType?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  /** When it was fetched, or last confirmed unchanged (ISO 8601). */
  readonly retrieved: string;
}

/** How the last attempt went, kept apart from the snapshot so that a failure never touches it. */
interface AttemptRecord {
  readonly tried: string;
  readonly problem?: string;
}

const snapshotKey = (address: string) => `citebot-page:${address}`;
const attemptKey = (address: string) => `citebot-page-attempt:${address}`;

class FetchProblem extends Error {
  override name = 'FetchProblem';
}

type FetchOutcome =
  | { kind: 'fetched'; bytes: Buffer; metadata: SnapshotMetadata }
  | { kind: 'unchanged'; retrieved: string };

/** "10 KB", "10.0 MB": a limit as the warning names it. */
const sizeInWords = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;

/** Reads a body, giving up past `maxBytes`. */
async function readBody(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body === null) return Buffer.alloc(0);
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new FetchProblem(`the page is larger than ${sizeInWords(maxBytes)}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** One page: fetched, or confirmed unchanged by a conditional request; throws FetchProblem saying why not. */
async function fetchPage(address: string, previous: SnapshotMetadata | undefined, limits: FetchLimits): Promise<FetchOutcome> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const headers: Record<string, string> = {
    accept: 'text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5',
    'user-agent': 'citebot (reads the pages its moderators list)',
  };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  let url = address;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(url, { headers, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location !== null) {
        await response.body?.cancel();
        if (redirects >= limits.maxRedirects) throw new FetchProblem(`more than ${limits.maxRedirects} redirects`);
        url = new URL(location, url).href;
        continue;
      }
      const retrieved = new Date().toISOString();
      if (response.status === 304 && previous) {
        await response.body?.cancel();
        return { kind: 'unchanged', retrieved };
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FetchProblem(`the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
      }
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      if (declared > limits.maxBytes) {
        await response.body?.cancel();
        throw new FetchProblem(`the page is larger than ${sizeInWords(limits.maxBytes)}`);
      }
      const bytes = await readBody(response.body, limits.maxBytes);
      const optional = (name: string) => response.headers.get(name) ?? undefined;
      return {
        kind: 'fetched',
        bytes,
        metadata: {
          address,
          servedFrom: url,
          retrieved,
          ...(optional('content-type') !== undefined && { contentType: optional('content-type') }),
          ...(optional('etag') !== undefined && { etag: optional('etag') }),
          ...(optional('last-modified') !== undefined && { lastModified: optional('last-modified') }),
        },
      };
    }
  } catch (error) {
    if (error instanceof FetchProblem) throw error;
    if (signal.aborted) throw new FetchProblem(`no complete answer within ${limits.timeoutMs / 1000} s`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new FetchProblem(cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

/** Runs `work` on every item, at most `limit` at a time, keeping the order of results. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A listed page: its address and the `*.urls` file listing it. */
export interface ListedPage {
  readonly address: string;
  readonly listedIn: string;
}

/** How a listed page stands after snapshotWebPages: its snapshot if it has one, and why its fetch failed if it did. */
export interface WebPageOutcome {
  readonly page: ListedPage;
  readonly snapshot?: WebPageSnapshot;
  readonly problem?: string;
}

/**
 * The snapshots of web pages, fetched anew when last fetched more than `maxAgeMs` ago; in the order listed. A page
 * whose fetch fails keeps its last snapshot, if it has one; its problem is told either way.
 */
export async function snapshotWebPages(pages: readonly ListedPage[], options: WebPageOptions): Promise<WebPageOutcome[]> {
  const limits = options.limits ?? DEFAULT_FETCH_LIMITS;
  const dir = options.snapshotDir;
  return inBatches(pages, CONCURRENT_FETCHES, async (page): Promise<WebPageOutcome> => {
    const stored = await cacache.get(dir, snapshotKey(page.address)).catch(() => undefined);
    const metadata = stored?.metadata as SnapshotMetadata | undefined;
    const attempt = await cacache
      .get(dir, attemptKey(page.address))
      .then(({ data }) => JSON.parse(data.toString('utf8')) as AttemptRecord)
      .catch(() => undefined);
    const snapshotOf = (bytes: Buffer, kept: SnapshotMetadata, state: WebPageState): WebPageSnapshot => ({
      state,
      bytes,
      format: formatOf(kept.contentType, kept.servedFrom),
      servedFrom: kept.servedFrom,
    });
    const lastTried = attempt ? Date.parse(attempt.tried) : Number.NaN;
    if (stored && metadata && Date.now() - lastTried < options.maxAgeMs) {
      const state: WebPageState = {
        ...page,
        retrieved: metadata.retrieved,
        status: attempt?.problem === undefined ? 'ok' : 'failing',
        ...(attempt?.problem !== undefined && { problem: attempt.problem }),
        ...(attempt !== undefined && { tried: attempt.tried }),
      };
      const snapshot = snapshotOf(stored.data, metadata, state);
      return { page, snapshot, ...(attempt?.problem !== undefined && { problem: attempt.problem }) };
    }
    const tried = new Date().toISOString();
    const record = async (problem?: string) =>
      cacache
        .put(dir, attemptKey(page.address), JSON.stringify({ tried, ...(problem !== undefined && { problem }) }))
        .catch(() => {});
    try {
      const outcome = await fetchPage(page.address, stored && metadata, limits);
      await record();
      if (outcome.kind === 'unchanged' && stored && metadata) {
        const confirmed = { ...metadata, retrieved: outcome.retrieved };
        await cacache.put(dir, snapshotKey(page.address), stored.data, { metadata: confirmed }).catch(() => {});
        return { page, snapshot: snapshotOf(stored.data, confirmed, { ...page, retrieved: confirmed.retrieved, status: 'ok', tried }) };
      }
      if (outcome.kind === 'fetched') {
        await cacache.put(dir, snapshotKey(page.address), outcome.bytes, { metadata: outcome.metadata }).catch(() => {});
        const state: WebPageState = { ...page, retrieved: outcome.metadata.retrieved, status: 'ok', tried };
        return { page, snapshot: snapshotOf(outcome.bytes, outcome.metadata, state) };
      }
      // A 304 to a request that sent no validator: nothing to read.
      return { page, problem: 'the server answered 304 Not Modified to a first request' };
    } catch (error) {
      const problem = (error as Error).message;
      await record(problem);
      if (!stored || !metadata) return { page, problem };
      const state: WebPageState = { ...page, retrieved: metadata.retrieved, status: 'failing', problem, tried };
      return { page, snapshot: snapshotOf(stored.data, metadata, state), problem };
    }
  });
}

/** The snapshot a listed page is read from, as kept now (a later fetch may have replaced the one last read). */
export async function readSnapshot(snapshotDir: string, address: string): Promise<Buffer | undefined> {
  return cacache
    .get(snapshotDir, snapshotKey(address))
    .then(({ data }) => data)
    .catch(() => undefined);
}

/** Every listed page's state as last recorded, without fetching anything: for showing which pages fail. */
export async function webPageStates(pages: readonly ListedPage[], snapshotDir: string): Promise<WebPageState[]> {
  return Promise.all(
    pages.map(async (page): Promise<WebPageState> => {
      const info = await cacache.get.info(snapshotDir, snapshotKey(page.address)).catch(() => null);
      const attempt = await cacache
        .get(snapshotDir, attemptKey(page.address))
        .then(({ data }) => JSON.parse(data.toString('utf8')) as AttemptRecord)
        .catch(() => undefined);
      const retrieved = (info?.metadata as SnapshotMetadata | undefined)?.retrieved;
      const failing = attempt === undefined || attempt.problem !== undefined;
      return {
        ...page,
        status: failing ? 'failing' : 'ok',
        ...(retrieved !== undefined && { retrieved }),
        ...(attempt?.problem !== undefined && { problem: attempt.problem }),
        ...(attempt === undefined && { problem: 'not fetched yet' }),
        ...(attempt !== undefined && { tried: attempt.tried }),
      };
    }),
  );
}
