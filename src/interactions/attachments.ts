import type { Source } from '../corpus/types.js';
import type { Library } from '../library.js';
import { ATTACHMENT_BYTES_LIMIT } from '../discord/limits.js';
import { formatBytes } from '../discord/render/embeds.js';
import type { OutgoingFile } from './port.js';
import { snapshotAttached, SOURCE_CHANGED, sourceTooLarge, WHOLE_SOURCE_ATTACHED } from '../messages.js';

/**
 * The source's own file to attach — the PDF itself, the Word file, the saved page; for a web page, its snapshot —
 * when Discord accepts its size, and a note saying what is attached (or why nothing is). Only the version the
 * passages were read from is attached: after a change, nothing until the reload has read it again.
 */
export async function originalAttachment(library: Library, source: Source): Promise<{ files: OutgoingFile[]; note: string }> {
  if (source.bytes > ATTACHMENT_BYTES_LIMIT) return { files: [], note: sourceTooLarge(formatBytes(source.bytes)) };
  const original = await library.original(source);
  if (original.status === 'changed') return { files: [], note: SOURCE_CHANGED };
  const note = source.web === undefined ? WHOLE_SOURCE_ATTACHED : snapshotAttached(source.web.retrieved?.slice(0, 10));
  return { files: [{ name: original.name, data: Buffer.from(original.bytes) }], note };
}
