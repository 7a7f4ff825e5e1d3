import GithubSlugger from 'github-slugger';
import type { Block, BlockKind, ReadDocument } from '../types.js';

/** Heading text as a path element: white space collapsed. */
export function headingLabel(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The headings in force while a document is read in order, and their anchors: GitHub's slugs (what GitHub, and most
 * Markdown renderers, give a heading's id), unique within the document.
 */
export class SectionTracker {
  readonly #slugger = new GithubSlugger();
  #path: Array<{ level: number; label: string; anchored: boolean }> = [];
  #section: readonly string[] | undefined;
  #anchor: string | undefined;

  /**
   * A heading of `level` (1–6) starts a section; `id` is the heading's own anchor, when it has one (HTML). A heading
   * that is not `anchored` (the summary of a collapsible <details>, which renderers give no id) keeps the anchor of
   * the heading it stands under.
   */
  heading(level: number, text: string, id?: string, anchored = true): void {
    const label = headingLabel(text);
    this.#path = [...this.#path.filter((entry) => entry.level < level), { level, label, anchored }];
    this.#section = this.#path.map((entry) => entry.label);
    if (anchored) this.#anchor = id !== undefined && id !== '' ? id : this.#slugger.slug(label);
  }

  /**
   * The level of the innermost anchored heading in force, 0 before the first: a <details> summary goes one level
   * below it, so that the summaries after it replace each other rather than nest.
   */
  get depth(): number {
    return this.#path.filter((entry) => entry.anchored).at(-1)?.level ?? 0;
  }

  /** The section and anchor of what follows the last heading (nothing before the first). */
  get place(): Pick<Block, 'section' | 'anchor'> {
    if (this.#section === undefined) return {};
    return this.#anchor === undefined ? { section: this.#section } : { section: this.#section, anchor: this.#anchor };
  }
}

/**
 * Builds a document's text as read, one block a line (a code block keeps its own lines), with each block's range,
 * kind and section: what the PDF, HTML and Word readers share.
 */
export class DocumentBuilder {
  readonly #parts: string[] = [];
  #length = 0;
  readonly #blocks: Block[] = [];
  readonly sections = new SectionTracker();

  /** Where the next block's text will start. */
  get offset(): number {
    return this.#length === 0 ? 0 : this.#length + 1;
  }

  /** Where the text built so far ends. */
  get end(): number {
    return this.#length;
  }

  get blockCount(): number {
    return this.#blocks.length;
  }

  /** The last block's kind and text, for readers that continue a paragraph (a PDF's over a page break). */
  get last(): { kind: BlockKind; text: string } | undefined {
    const block = this.#blocks[this.#blocks.length - 1];
    const text = this.#parts[this.#parts.length - 1];
    return block && text !== undefined ? { kind: block.kind, text } : undefined;
  }

  /**
   * Adds a block; blank text adds nothing. A heading starts its section, and is in it; `anchored: false` marks one
   * without an anchor of its own (see SectionTracker.heading).
   */
  add(kind: BlockKind, text: string, options: { level?: number; id?: string; anchored?: boolean } = {}): void {
    const trimmed = kind === 'code' ? text.replace(/^\s*\n|\s+$/g, '') : text.trim();
    if (trimmed.trim() === '') return;
    if (kind === 'heading') this.sections.heading(options.level ?? 1, trimmed, options.id, options.anchored);
    const start = this.offset;
    this.#parts.push(trimmed);
    this.#length = start + trimmed.length;
    this.#blocks.push({
      start,
      end: this.#length,
      kind,
      ...(kind === 'heading' && { level: options.level ?? 1 }),
      ...this.sections.place,
    });
  }

  /** Appends `text` to the last block (which must exist), with `separator` between. */
  extendLast(separator: string, text: string): void {
    const block = this.#blocks.pop();
    const part = this.#parts.pop();
    if (block === undefined || part === undefined) throw new Error('no block to extend');
    const joined = part + separator + text.trim();
    this.#parts.push(joined);
    this.#length = block.start + joined.length;
    this.#blocks.push({ ...block, end: this.#length });
  }

  build(title: string, extra: Pick<ReadDocument, 'url' | 'pageStarts'> = {}): ReadDocument {
    return { text: this.#parts.join('\n'), title, blocks: this.#blocks, ...extra };
  }
}
