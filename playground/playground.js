// The playground page: sends a question or a button press to /api/playground and draws the messages the bot would
// post, as Discord draws them. Plain browser JavaScript, served as it is: there is no build step.
'use strict';

const messagesBox = document.getElementById('messages');
const statusBox = document.getElementById('status');

/** Discord's button styles (https://discord.com/developers/docs/components/reference#button-button-styles). */
const BUTTON_STYLES = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger' };

/**
 * Inline Discord markdown as the bot writes it: `\` escapes, **bold**, __underline__, *italic* and [label](link).
 * Text only ever becomes text nodes: nothing from the sources or the question is read as HTML.
 */
function appendInline(parent, text) {
  const stack = [{ marker: '', element: parent }];
  const top = () => stack[stack.length - 1].element;
  const toggle = (marker, tag) => {
    const open = stack.findIndex((entry) => entry.marker === marker);
    if (open > 0) {
      stack.length = open;
    } else {
      const element = document.createElement(tag);
      top().append(element);
      stack.push({ marker, element });
    }
  };
  let plain = '';
  const flush = () => {
    if (plain) top().append(document.createTextNode(plain));
    plain = '';
  };
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && at + 1 < text.length) {
      plain += text[++at];
    } else if (text.startsWith('**', at)) {
      flush();
      toggle('**', 'strong');
      at++;
    } else if (text.startsWith('__', at)) {
      flush();
      toggle('__', 'u');
      at++;
    } else if (char === '*') {
      flush();
      toggle('*', 'em');
    } else if (char === '[') {
      const link = readLink(text, at);
      if (link === undefined) {
        plain += char;
      } else {
        flush();
        const anchor = document.createElement('a');
        anchor.href = link.url;
        anchor.rel = 'noopener noreferrer';
        appendInline(anchor, link.label);
        top().append(anchor);
        at = link.end - 1;
      }
    } else {
      plain += char;
    }
  }
  flush();
}

/** `[label](https://…)` starting at `start`, its label still escaped; undefined when it is not a web link. */
function readLink(text, start) {
  let at = start + 1;
  while (at < text.length && text[at] !== ']') at += text[at] === '\\' ? 2 : 1;
  if (text[at + 1] !== '(') return undefined;
  const close = text.indexOf(')', at + 2);
  if (close === -1) return undefined;
  const url = text.slice(at + 2, close);
  if (!/^https?:\/\//.test(url)) return undefined;
  return { label: text.slice(start + 1, at), url, end: close + 1 };
}

/**
 * Block Discord markdown: "> " quotes, "- " list items, plain lines. The paragraphs of one quoted passage, which the
 * bot separates with a blank line, stay in one quote.
 */
function markdown(text) {
  const box = document.createElement('div');
  box.className = 'markdown';
  let quote;
  let list;
  let afterGap = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('> ') || line === '>') {
      list = undefined;
      if (quote === undefined) {
        quote = document.createElement('blockquote');
        box.append(quote);
      }
      const paragraph = document.createElement('p');
      if (afterGap) paragraph.className = 'after-gap';
      afterGap = false;
      appendInline(paragraph, line.slice(2));
      quote.append(paragraph);
    } else if (line.trim() === '' && quote !== undefined) {
      afterGap = true;
    } else if (line.startsWith('- ')) {
      quote = undefined;
      if (list === undefined) {
        list = document.createElement('ul');
        box.append(list);
      }
      const item = document.createElement('li');
      appendInline(item, line.slice(2));
      list.append(item);
    } else if (line.trim() === '') {
      quote = undefined;
      list = undefined;
    } else {
      quote = undefined;
      list = undefined;
      afterGap = false;
      const paragraph = document.createElement('p');
      appendInline(paragraph, line);
      box.append(paragraph);
    }
  }
  return box;
}

function embedElement(embed) {
  const box = document.createElement('div');
  box.className = 'embed';
  if (typeof embed.color === 'number') box.style.borderLeftColor = `#${embed.color.toString(16).padStart(6, '0')}`;
  if (embed.title) {
    const title = document.createElement('h3');
    title.className = 'embed-title';
    appendInline(title, embed.title);
    box.append(title);
  }
  if (embed.description) box.append(markdown(embed.description));
  if (embed.footer && embed.footer.text) {
    const footer = document.createElement('p');
    footer.className = 'embed-footer';
    footer.textContent = embed.footer.text;
    box.append(footer);
  }
  return box;
}

function buttonElement(component, message, article) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `discord-button ${BUTTON_STYLES[component.style] || 'secondary'}`;
  button.textContent = `${component.emoji && component.emoji.name ? `${component.emoji.name} ` : ''}${component.label || ''}`;
  button.disabled = component.disabled === true;
  button.dataset.customId = component.custom_id;
  button.addEventListener('click', () => press(component.custom_id, component.label || '', message, article));
  return button;
}

function messageElement(message) {
  const article = document.createElement('article');
  article.className = `message${message.ephemeral ? ' ephemeral' : ''}`;
  const author = document.createElement('p');
  author.className = 'author';
  author.textContent = 'citebot';
  article.append(author);
  if (message.thinking) {
    const thinking = document.createElement('p');
    thinking.textContent = 'citebot is thinking…';
    article.append(thinking);
  }
  if (message.content) article.append(markdown(message.content));
  for (const embed of message.embeds) article.append(embedElement(embed));
  for (const file of message.files) {
    const attachment = document.createElement('p');
    attachment.className = 'attachment';
    attachment.textContent = `📎 ${file.name} (${file.bytes.toLocaleString('en-GB')} bytes)`;
    article.append(attachment);
  }
  for (const row of message.components) {
    const group = document.createElement('div');
    group.className = 'buttons';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Answer buttons');
    for (const component of row.components || []) {
      if (component.type === 2 && component.custom_id) group.append(buttonElement(component, message, article));
    }
    article.append(group);
  }
  if (message.ephemeral) {
    const note = document.createElement('p');
    note.className = 'ephemeral-note';
    note.textContent = 'Only you can see this.';
    article.append(note);
  }
  return article;
}

async function post(body) {
  const response = await fetch('/api/playground', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(result.error || `The server answered ${response.status}.`);
  return result.messages;
}

function show(messages, replacing) {
  const elements = messages.map(messageElement);
  if (replacing === undefined) {
    messagesBox.replaceChildren(...elements);
  } else if (messages[0] && messages[0].updated) {
    replacing.replaceWith(...elements);
  } else {
    messagesBox.append(...elements);
  }
  return elements;
}

async function ask(question) {
  statusBox.textContent = 'Looking in the sources…';
  try {
    const messages = await post({ question });
    show(messages);
    statusBox.textContent = messages.length > 0 ? 'Answer shown below.' : 'No answer.';
  } catch (error) {
    statusBox.textContent = error.message;
  }
}

/** A button under a message: the message it was on goes back with it, as Discord sends it to the bot. */
async function press(customId, label, message, article) {
  statusBox.textContent = `${label}…`;
  try {
    const messages = await post({ customId, message });
    const [first] = show(messages, article);
    statusBox.textContent = messages[0] && messages[0].updated ? `${label}: shown.` : `${label}: shown below.`;
    // The pressed button was replaced with its message: keep the keyboard where it was.
    const same = first && first.querySelector(`button[data-custom-id^="${customId.split(':').slice(0, 2).join(':')}"]:not(:disabled)`);
    const target = same || (first && first.querySelector('button:not(:disabled)'));
    if (target) target.focus();
  } catch (error) {
    statusBox.textContent = error.message;
  }
}

async function listSources() {
  const list = document.getElementById('sources');
  try {
    const response = await fetch('/api/sources');
    if (!response.ok) throw new Error(`The sources could not be listed (${response.status}).`);
    const { sources, search } = await response.json();
    document.getElementById('search-status').textContent = `${sources.length === 1 ? '1 source' : `${sources.length} sources`}. ${search}`;
    list.replaceChildren(
      ...sources.map(({ file, title, passages }) => {
        const item = document.createElement('li');
        const name = document.createElement('code');
        name.textContent = file;
        item.append(name, ` · ${title} · ${passages === 1 ? '1 passage' : `${passages} passages`}`);
        return item;
      }),
    );
  } catch (error) {
    list.replaceChildren(error.message);
  }
}

document.getElementById('ask-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const question = document.getElementById('question').value.trim();
  if (question) void ask(question);
});

void listSources();
