import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import PDFDocument from 'pdfkit';

/** A line of a generated PDF page, placed where it says (points from the top left), in Helvetica. */
export interface PdfLine {
  readonly text: string;
  /** Font size; default 11. */
  readonly size?: number;
  /** Left edge; default 72. */
  readonly x?: number;
  /** Extra space above the line, in points: a blank line between paragraphs is about 14. */
  readonly gapBefore?: number;
}

export interface PdfPage {
  readonly lines: readonly PdfLine[];
  /** Printed at the top and bottom of the page, as a report's running header and footer are. */
  readonly header?: string;
  readonly footer?: string;
}

export interface PdfOptions {
  /** The PDF's Title property. */
  readonly title?: string;
  /** Encrypts the file: it opens only with this password. */
  readonly userPassword?: string;
  /** Pages with nothing on them but a drawn shape, as a scan's image pages have no text. */
  readonly imageOnly?: boolean;
}

/** A PDF with known text on known pages, made by pdfkit. */
export async function makePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Promise<Buffer> {
  const document = new PDFDocument({
    size: 'A4',
    margin: 72,
    autoFirstPage: false,
    ...(options.userPassword !== undefined && { userPassword: options.userPassword, ownerPassword: 'owner' }),
    ...(options.userPassword !== undefined && { pdfVersion: '1.7' as const }),
    info: options.title === undefined ? {} : { Title: options.title },
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve) => document.on('end', () => resolve(Buffer.concat(chunks))));
  document.font('Helvetica');
  for (const page of pages) {
    document.addPage();
    if (options.imageOnly) document.rect(100, 100, 300, 400).fill('#777777');
    if (page.header !== undefined) document.fontSize(9).text(page.header, 72, 40, { lineBreak: false });
    let y = 80;
    for (const line of page.lines) {
      const size = line.size ?? 11;
      y += line.gapBefore ?? 0;
      document.fontSize(size).text(line.text, line.x ?? 72, y, { lineBreak: false });
      y += size * 1.3;
    }
    if (page.footer !== undefined) document.fontSize(9).text(page.footer, 72, 790, { lineBreak: false });
  }
  document.end();
  return ended;
}

/** A block of a generated Word document. */
export type DocxBlock =
  | { readonly heading: string; readonly level: 1 | 2 | 3 }
  | { readonly paragraph: string }
  | { readonly bullet: string }
  | { readonly table: ReadonlyArray<readonly string[]> };

const HEADING_LEVELS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/** A .docx with Word's own heading styles, made by the docx package. */
export async function makeDocx(blocks: readonly DocxBlock[]): Promise<Buffer> {
  const children = blocks.map((block) => {
    if ('heading' in block) return new Paragraph({ text: block.heading, heading: HEADING_LEVELS[block.level] });
    if ('bullet' in block) return new Paragraph({ text: block.bullet, bullet: { level: 0 } });
    if ('table' in block) {
      return new Table({
        rows: block.table.map(
          (row) => new TableRow({ children: row.map((cell) => new TableCell({ children: [new Paragraph(cell)] })) }),
        ),
      });
    }
    return new Paragraph({ children: [new TextRun(block.paragraph)] });
  });
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}
