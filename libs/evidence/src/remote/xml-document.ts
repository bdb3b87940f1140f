/**
 * A minimal XML reader for EDGAR's filing documents (Form 4 ownershipDocument, 13F informationTable): elements,
 * text, CDATA and the five predefined entities plus numeric references. Namespace prefixes are dropped
 * (`ns1:infoTable` → `infoTable`) because 13F filers write the same schema with different prefixes. Attributes,
 * comments, processing instructions and the DOCTYPE are skipped: these documents keep their data in text.
 */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

export class XmlFormatError extends Error {
  override readonly name = 'XmlFormatError';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    return ENTITIES[body] ?? whole;
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

/** Parses a document and returns its root element; malformed nesting is an error, not a guess. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1] as XmlElement;
    if (lt < 0) {
      top.text += decodeEntities(text.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) {
      i = skipTo(text, '-->', lt);
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) throw new XmlFormatError('unterminated CDATA section');
      top.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      i = skipTo(text, '?>', lt);
    } else if (text.startsWith('<!', lt)) {
      i = skipTo(text, '>', lt);
    } else if (text[lt + 1] === '/') {
      const end = skipTo(text, '>', lt);
      const name = localName(text.slice(lt + 2, end - 1).trim());
      const open = stack.pop();
      if (!open || open === root || open.name !== name) {
        throw new XmlFormatError(`closing </${name}> does not match <${open?.name ?? '(none)'}>`);
      }
      i = end;
    } else {
      const end = skipTo(text, '>', lt);
      const inner = text.slice(lt + 1, end - 1);
      const selfClosing = inner.endsWith('/');
      const name = localName((/^[^\s/>]+/.exec(inner) ?? [''])[0]);
      if (name === '') throw new XmlFormatError(`empty tag at offset ${lt}`);
      const element: XmlElement = { name, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
      i = end;
    }
  }
  if (stack.length !== 1)
    throw new XmlFormatError(`unclosed <${(stack[stack.length - 1] as XmlElement).name}>`);
  const element = root.children[0];
  if (!element) throw new XmlFormatError('no root element');
  return element;
}

function skipTo(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  if (at < 0) throw new XmlFormatError(`unterminated markup at offset ${from}`);
  return at + marker.length;
}

/** Children named `name` (after the namespace prefix). */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((c) => c.name === name) : [];
}

/** The element at a `/`-separated path of child names, first match at each step. */
export function at(element: XmlElement | undefined, path: string): XmlElement | undefined {
  let current = element;
  for (const step of path.split('/')) {
    current = current?.children.find((c) => c.name === step);
    if (!current) return undefined;
  }
  return current;
}

/** Trimmed text at a path, or undefined when the element is missing or empty. */
export function textAt(element: XmlElement | undefined, path: string): string | undefined {
  const text = at(element, path)?.text.trim();
  return text === undefined || text === '' ? undefined : text;
}
