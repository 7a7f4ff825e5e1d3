/** How a source file is read: each format has its reader in src/corpus/formats/. */
export type SourceFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx';

/** What a block of a read document is; a passage never ends inside one of the atomic kinds (see passages.ts). */
export type BlockKind =
  | 'paragraph'
  | 'heading'
  /** A fenced or indented code block, or an HTML <pre>: its lines verbatim. */
  | 'code'
  | 'list-item'
  | 'table-row'
  | 'quote'
  /** Raw HTML in Markdown, a thematic break, a link definition: kept, never split. */
  | 'other';

/** A [start, end) range of a document's text with what it is and where it stands. */
export interface Block {
  readonly start: number;
  readonly end: number;
  readonly kind: BlockKind;
  /** For headings: 1 (the title's level) to 6. */
  readonly level?: number;
  /**
   * The headings in force at this block, outermost first (a heading's own text ends its path). Absent before the
   * first heading and in formats without headings.
   */
  readonly section?: readonly string[];
  /**
   * The innermost heading's anchor: its GitHub-style slug (unique within the document, "-1", "-2"… on repeats), or
   * for an HTML heading with an id, that id. Present exactly when `section` is.
   */
  readonly anchor?: string;
}

/** A file's bytes as its reader understood them: what the loader keeps of any format. */
export interface ReadDocument {
  /**
   * The text as read, lines joined with \n: for .txt and Markdown the file's own text (so line numbers match any
   * editor); for PDF, Word and HTML the text the reader extracted, one paragraph (or list item, table row…) a line.
   */
  readonly text: string;
  readonly title: string;
  /** The document's own address, when it names one (an HTML page's canonical link). */
  readonly url?: string;
  /**
   * The text's blocks in order, not overlapping. Absent for plain text, which is cut along its paragraphs. Text
   * outside every block (Markdown front matter) is never quoted.
   */
  readonly blocks?: readonly Block[];
  /**
   * PDF: where each page's text starts in `text` (index 0 is page 1), non-decreasing; a page with no text starts
   * where the next page's text does.
   */
  readonly pageStarts?: readonly number[];
}

/** How a web page listed in a `*.urls` file stands: see src/corpus/web-pages.ts. */
export interface WebPageState {
  /** The address as listed. */
  readonly address: string;
  /** The `*.urls` file that lists it, relative to the data folder. */
  readonly listedIn: string;
  /** When the snapshot the page is read from was last fetched or confirmed unchanged (ISO 8601), if there is one. */
  readonly retrieved?: string;
  /** `ok` when the last attempt fetched or confirmed it; `failing` when it did not (the last snapshot is kept). */
  readonly status: 'ok' | 'failing';
  /** Why the last attempt failed, in words, when it did. */
  readonly problem?: string;
  /** When it was last tried (ISO 8601). */
  readonly tried?: string;
}

/** A document read from the data folder, or a web page listed there. */
export interface Source {
  /**
   * Path relative to the data folder, with forward slashes: what citations name. For a web page, its address as
   * listed.
   */
  readonly file: string;
  /** The document's title (see README.md, "The data folder", for where each format's comes from). */
  readonly title: string;
  /** The text as read (see ReadDocument.text), BOM stripped and line endings folded to LF. */
  readonly text: string;
  /** Size of the file on disk (of a web page: of its snapshot), in bytes. */
  readonly bytes: number;
  /** How it was read; plain text when absent. */
  readonly format?: SourceFormat;
  /** SHA-256 of the file's bytes, hex: what the text read from it is cached under. */
  readonly hash?: string;
  /** See ReadDocument. */
  readonly url?: string;
  readonly blocks?: readonly Block[];
  readonly pageStarts?: readonly number[];
  /** A web page's address, retrieval date and status. */
  readonly web?: WebPageState;
}

/** Where a passage stands in its source, beyond its lines, and how that source was read. */
export interface Place {
  /**
   * How its source was read (plain text when absent): a transport shows a Markdown passage as Markdown, and a link
   * into a file points at what that format can be pointed at (lines, a page, a heading).
   */
  readonly format?: SourceFormat;
  /** PDF: the 1-based page the passage starts on. */
  readonly page?: number;
  /** PDF: the page it ends on, only when that is not `page` (the passage runs over a page break). */
  readonly pageEnd?: number;
  /** The heading path the passage stands under, outermost first. */
  readonly section?: readonly string[];
  /** The anchor of the passage's innermost heading (see Block.anchor). */
  readonly anchor?: string;
  /** The link a citation uses, when the source names one: an HTML page's canonical address, a web page's address. */
  readonly url?: string;
  /** A web page's retrieval date (ISO 8601). */
  readonly retrieved?: string;
}

/** A span of a source that is indexed and quoted as a whole. */
export interface Passage extends Place {
  /** Stable across runs while the source is unchanged (a hash of file, lines and text). */
  readonly id: string;
  readonly file: string;
  readonly title: string;
  /** 1-based first and last line of the source's text (as read) that the passage covers. */
  readonly lines: readonly [first: number, last: number];
  /** The source's own text for those lines, verbatim (blank lines between paragraphs kept). */
  readonly text: string;
  /** Position of this passage within its source (0-based), for finding neighbours. */
  readonly ordinal: number;
}
