/** The benchmark's report: sections of markdown tables and notes, printed and written to bench/RESULTS.md. */

export interface Table {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export interface Section {
  readonly title: string;
  /** Paragraphs before the tables: what was measured and how. */
  readonly intro: readonly string[];
  readonly tables: readonly Table[];
  /** Paragraphs after the tables: what limits the figures. */
  readonly notes: readonly string[];
}

/** Pipes inside a cell would end it early. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** A figure: a number, maybe signed, with separators, a unit sign or a range; "–" when not measured. */
const FIGURE = /^(?:[-+≥≤~]\s?)?[\d.,]+\s?(?:%|×)?$|^–$/;

export function renderTable(table: Table): string {
  // Columns of figures are aligned right, so that their digits line up; columns of words left.
  const isFigures = (column: number) => table.rows.every((row) => FIGURE.test(row[column] ?? '–'));
  const lines = [
    `**${table.caption}**`,
    '',
    `| ${table.columns.map(cell).join(' | ')} |`,
    `|${table.columns.map((_, index) => (isFigures(index) ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function renderSection(section: Section): string {
  return [`## ${section.title}`, ...section.intro, ...section.tables.map(renderTable), ...section.notes].join('\n\n');
}

/** Fixed decimals; "–" for a figure that could not be measured. */
export function fixed(value: number | undefined, decimals: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(decimals);
}

/** Whole numbers with thousands separators ("11,144"). */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-GB');
}
