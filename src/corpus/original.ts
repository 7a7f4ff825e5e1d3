import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Source, SourceFormat } from './types.js';
import { readSnapshot } from './web-pages.js';

/** The file a source was read from, as it can be handed to a member: the PDF itself, not the text read from it. */
export type Original =
  | {
      readonly status: 'found';
      readonly bytes: Buffer;
      /** A file name for it: the file's own, or for a web page one made from its address. */
      readonly name: string;
    }
  /**
   * The file (or a web page's snapshot) is no longer what was read, or is gone: a reload will read it again, and
   * until then the passages quoted are those of the version read.
   */
  | { readonly status: 'changed' };

/** The file ending a web page's snapshot is named with, by the format it was read in. */
const ENDINGS: Record<SourceFormat, string> = { text: '.txt', markdown: '.md', html: '.html', pdf: '.pdf', docx: '.docx' };

/** Longest name made for a web page's snapshot, ending included: well within every file system's limit. */
const SNAPSHOT_NAME_CHARS = 120;

/** "example.org-news-drop-in.html": a web page's address as a file name, its ending from its format. */
export function snapshotName(address: string, format: SourceFormat | undefined): string {
  const url = new URL(address);
  const ending = ENDINGS[format ?? 'html'];
  const stem = `${url.hostname}${url.pathname}`
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SNAPSHOT_NAME_CHARS - ending.length);
  return stem.toLowerCase().endsWith(ending) ? stem : `${stem}${ending}`;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The bytes `source` was read from, when they are still those: its file in `dataDir`, or for a listed web page its
 * snapshot in `snapshotDir`. They are checked against the hash taken when they were read, so that what is handed
 * out is what the citations point into. Never throws.
 */
export async function readOriginal(dataDir: string, source: Source, snapshotDir: string | undefined): Promise<Original> {
  let bytes: Buffer | undefined;
  let name: string;
  if (source.web !== undefined) {
    bytes = snapshotDir === undefined ? undefined : await readSnapshot(snapshotDir, source.web.address);
    name = snapshotName(source.web.address, source.format);
  } else {
    bytes = await readFile(path.join(dataDir, source.file)).catch(() => undefined);
    name = path.posix.basename(source.file);
  }
  if (bytes === undefined || (source.hash !== undefined && sha256(bytes) !== source.hash)) return { status: 'changed' };
  return { status: 'found', bytes, name };
}
