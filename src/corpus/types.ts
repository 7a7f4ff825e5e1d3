/** A document read from the data folder. */
export interface Source {
  /** Path relative to the data folder, with forward slashes: what citations name. */
  readonly file: string;
  /** First non-empty line (a Markdown file's first heading). */
  readonly title: string;
  /** The decoded text, BOM stripped and line endings folded to LF, so that line numbers stay true. */
  readonly text: string;
  /** Size of the file on disk, in bytes. */
  readonly bytes: number;
}

/** A span of a source that is indexed and quoted as a whole. */
export interface Passage {
  /** Stable across runs while the source is unchanged (a hash of file, lines and text). */
  readonly id: string;
  readonly file: string;
  readonly title: string;
  /** 1-based first and last line of the source that the passage covers. */
  readonly lines: readonly [first: number, last: number];
  /** The source's own text for those lines, verbatim (blank lines between paragraphs kept). */
  readonly text: string;
  /** Position of this passage within its source (0-based), for finding neighbours. */
  readonly ordinal: number;
}
