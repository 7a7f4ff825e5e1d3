import path from 'node:path';
import type { Nodes, PhrasingContent, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { parse as parseYaml } from 'yaml';
import type { Block, BlockKind } from '../types.js';
import { SectionTracker } from './document-builder.js';
import { htmlFragment } from './html-fragment.js';
import type { Reader } from './reader.js';
import { decodeText, NOT_UTF8 } from './text.js';
import { cutTitle } from './titles.js';

/** Front matter as static-site generators write it: YAML between --- lines, or TOML between +++ lines. */
const FRONT_MATTER = ['yaml', 'toml'] as const;

/**
 * A heading's or paragraph's words as a reader sees them: text, code and link text, without images (badges),
 * raw HTML or footnote marks.
 */
export function plainText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'break':
      return ' ';
    case 'image':
    case 'imageReference':
    case 'html':
    case 'footnoteReference':
      return '';
    default:
      return 'children' in node ? (node.children as PhrasingContent[]).map(plainText).join('') : '';
  }
}

/** The `title:` of YAML front matter, when it is a string. */
function frontMatterTitle(yaml: string): string | undefined {
  try {
    const data = parseYaml(yaml) as unknown;
    const title = typeof data === 'object' && data !== null ? (data as { title?: unknown }).title : undefined;
    return typeof title === 'string' && title.trim() !== '' ? title : undefined;
  } catch {
    return undefined;
  }
}

/** Markers that may stand before a block on its first line: a quote's `>`, a list item's bullet or number. */
const LINE_PREFIX = /^[\s>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[\s>]*$/;

/**
 * Markdown: the file's own text, quoted verbatim, cut along the blocks a CommonMark parser (with GitHub's tables and
 * front matter) finds in it. A block is a whole heading, paragraph, code block, list item, table row, quote or HTML
 * block, from the start of its line; front matter is in none.
 */
export const markdownReader: Reader = {
  format: 'markdown',
  extensions: ['.md', '.markdown'],
  // Parsing Markdown is slower than reading back what it gave.
  cached: true,
  async read(bytes, { file, note }) {
    const text = decodeText(bytes, () => note(NOT_UTF8));
    const tree = fromMarkdown(text, {
      extensions: [frontmatter([...FRONT_MATTER]), gfm()],
      mdastExtensions: [frontmatterFromMarkdown([...FRONT_MATTER]), gfmFromMarkdown()],
    });
    const blocks: Block[] = [];
    const sections = new SectionTracker();
    const titles: { frontMatter?: string; h1?: string; paragraph?: string; heading?: string } = {};

    const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
    const add = (kind: BlockKind, from: number, to: number, level?: number) => {
      const previousEnd = blocks[blocks.length - 1]?.end ?? 0;
      const start = LINE_PREFIX.test(text.slice(lineStart(from), from)) ? lineStart(from) : from;
      const end = start + text.slice(start, to).trimEnd().length;
      if (end <= start || start < previousEnd) return;
      blocks.push({ start, end, kind, ...(level !== undefined && { level }), ...sections.place });
    };
    const heading = (level: number, label: string, from: number, to: number, anchored = true) => {
      if (label.trim() === '') return add('other', from, to);
      sections.heading(level, label, undefined, anchored);
      if (level === 1) titles.h1 ??= label;
      titles.heading ??= label;
      add('heading', from, to, level);
    };
    const offsets = (node: Nodes) => [node.position?.start.offset ?? 0, node.position?.end.offset ?? 0] as const;

    const visit = async (nodes: readonly RootContent[], quoted: boolean): Promise<void> => {
      for (const node of nodes) {
        const [from, to] = offsets(node);
        switch (node.type) {
          case 'yaml':
            titles.frontMatter ??= frontMatterTitle(node.value);
            break;
          case 'heading':
            heading(node.depth, plainText(node), from, to);
            break;
          case 'paragraph':
            titles.paragraph ??= plainText(node).trim() || undefined;
            add(quoted ? 'quote' : 'paragraph', from, to);
            break;
          case 'code':
            add('code', from, to);
            break;
          case 'html': {
            const fragment = await htmlFragment(node.value);
            if (fragment.headingLevel !== undefined && fragment.text !== '') {
              heading(fragment.headingLevel, fragment.text, from, to);
            } else if (fragment.summary !== undefined) {
              // A collapsible section's summary (a FAQ's question) heads the text it unfolds.
              heading(Math.min(6, sections.depth + 1), fragment.summary, from, to, false);
            } else {
              if (fragment.text !== '') titles.paragraph ??= fragment.text;
              add('other', from, to);
            }
            break;
          }
          case 'blockquote':
            await visit(node.children, true);
            break;
          case 'list':
            for (const item of node.children) {
              // The item's own content is one block; a list nested in it gives blocks of its own.
              let contentStart: number | undefined;
              let contentEnd = 0;
              const flush = () => {
                if (contentStart !== undefined) add('list-item', contentStart, contentEnd);
                contentStart = undefined;
              };
              for (const [index, child] of item.children.entries()) {
                const [childFrom, childTo] = offsets(child);
                if (child.type === 'list') {
                  flush();
                  await visit([child], quoted);
                } else {
                  contentStart ??= index === 0 ? offsets(item)[0] : childFrom;
                  contentEnd = childTo;
                }
              }
              if (item.children.length === 0) add('list-item', ...offsets(item));
              flush();
            }
            break;
          case 'table':
            for (const [index, row] of node.children.entries()) {
              // A row runs to the next one, so that the header's delimiter line goes with the header.
              const next = node.children[index + 1];
              add('table-row', offsets(row)[0], next ? lineStart(offsets(next)[0]) : offsets(row)[1]);
            }
            break;
          default:
            if ((node.type as string) === 'toml') break;
            add('other', from, to);
        }
      }
    };
    await visit(tree.children, false);

    const title =
      titles.frontMatter ?? titles.h1 ?? titles.paragraph ?? titles.heading ?? path.posix.basename(file);
    return { text, title: cutTitle(title) || path.posix.basename(file), blocks };
  },
};
