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
