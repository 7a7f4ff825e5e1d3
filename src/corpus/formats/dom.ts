/**
 * The little of the DOM that citebot reads, over linkedom's document: the project's TypeScript settings hold no DOM
 * library (it runs in Node), and these few members are all the readers need.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

export interface DomDocument {
  readonly body: DomNode | null;
  querySelector(selectors: string): DomNode | null;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/** A whole HTML document or a fragment, parsed by linkedom (loaded when first needed). */
export async function parseDocument(html: string): Promise<DomDocument> {
  const { parseHTML } = await import('linkedom');
  // linkedom types its window with the browser's DOM, which this project's settings do not hold.
  const window: unknown = parseHTML(html);
  return (window as { document: DomDocument }).document;
}

/** A fragment's text with white space collapsed. */
export const collapse = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
