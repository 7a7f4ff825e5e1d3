/** A file part of a multipart/form-data body, as the bot uploaded it. */
export interface UploadedFile {
  /** The form field, `files[0]`, `files[1]`, ... */
  name: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: UploadedFile[];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Parses the multipart/form-data bodies that @discordjs/rest sends for attachments: a
 * `payload_json` field next to `files[n]` parts. Only what browsers and undici produce is
 * handled (no nested multiparts, no transfer encodings).
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartForm {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundaryText = boundary?.[1] ?? boundary?.[2];
  if (boundaryText === undefined) throw new Error('multipart body without a boundary');

  const delimiter = Buffer.from(`--${boundaryText}`);
  const form: MultipartForm = { fields: new Map(), files: [] };
  let cursor = body.indexOf(delimiter);
  if (cursor === -1) throw new Error('multipart body without any part');

  while (true) {
    cursor += delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === '--') return form;
    cursor += CRLF.length;

    const headersEnd = body.indexOf(HEADER_END, cursor);
    if (headersEnd === -1) throw new Error('multipart part without headers');
    const headers = parsePartHeaders(body.subarray(cursor, headersEnd).toString('utf8'));
    const contentStart = headersEnd + HEADER_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), contentStart);
    if (next === -1) throw new Error('multipart body is truncated');
    const content = body.subarray(contentStart, next);

    const disposition = parseDisposition(headers.get('content-disposition') ?? '');
    const name = disposition.get('name');
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = disposition.get('filename');
    if (filename === undefined) {
      form.fields.set(name, content.toString('utf8'));
    } else {
      form.files.push({
        name,
        filename,
        contentType: headers.get('content-type') ?? 'application/octet-stream',
        data: Buffer.from(content),
      });
    }
    cursor = next + CRLF.length;
  }
}

function parsePartHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** `form-data; name="files[0]"; filename="a.txt"` → name and filename. */
function parseDisposition(value: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const match of value.matchAll(/;\s*([^=;\s]+)="((?:[^"\\]|\\.)*)"/g)) {
    const [, key, quoted] = match;
    if (key !== undefined && quoted !== undefined) parameters.set(key.toLowerCase(), unescapeFormName(quoted));
  }
  return parameters;
}

/** FormData percent-encodes quotes and line breaks inside names (WHATWG HTML form encoding). */
function unescapeFormName(value: string): string {
  return value.replaceAll('%22', '"').replaceAll('%0D', '\r').replaceAll('%0A', '\n');
}
