/**
 * What a member reads when Discord renders the bot's markdown: quote bars, bold and underline markers and escaping
 * backslashes gone, mentions shown as typed. Enough of Discord's markdown for the text the bot writes.
 */
export function visibleText(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => {
      const body = line.startsWith('> ') ? line.slice(2) : line;
      let shown = '';
      for (let i = 0; i < body.length; i++) {
        const char = body[i] as string;
        if (char === '\\' && i + 1 < body.length) {
          shown += body[++i];
        } else if ((char === '*' || char === '_') && body[i + 1] === char) {
          i++;
        } else {
          shown += char;
        }
      }
      return shown.replace(/@\u200b/g, '@');
    })
    .join('\n');
}

/** A line of the bot's markdown without its block quote's `> `. */
const unquoted = (line: string) => (line.startsWith('> ') ? line.slice(2) : line);

/** The code blocks Discord shows (fenced at the start of a line, quoted or not): language and code. */
export function codeBlocks(markdown: string): { language: string; code: string }[] {
  const blocks: { language: string; code: string }[] = [];
  let open: { language: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n').map(unquoted)) {
    if (open === undefined) {
      const language = /^```([a-z0-9_+\-.#]*)$/i.exec(line)?.[1];
      if (language !== undefined) open = { language, lines: [] };
    } else if (line === '```') {
      blocks.push({ language: open.language, code: open.lines.join('\n') });
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

/** Whether every ``` that opens a code block has one closing it: an unpaired one swallows the rest of a message. */
export function fencesPaired(markdown: string): boolean {
  return markdown.split('```').length % 2 === 1;
}
