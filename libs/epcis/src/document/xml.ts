/**
 * A deliberately small, strict, namespace-aware XML reader for partner payloads. It has no DTD support at all: a
 * document with a DOCTYPE (and so any entity declaration, internal or external) is refused before reading, and the
 * only references expanded are the five predefined entities and character references. Nothing is fetched, nothing
 * recurses (the element stack is explicit), and nesting is bounded while reading.
 *
 * fast-xml-parser is not used here: it does not resolve namespaces, which the EPCIS binding is defined by, and it
 * renames or rejects legitimate element names (`toString`, `__proto__`) to protect its own object output.
 */
import { Limits, checkDepth } from './limits';
import { EpcisParseError } from './parse-error';

export interface XmlAttribute {
  ns: string;
  local: string;
  prefix: string;
  value: string;
}

export interface XmlElement {
  /** Namespace URI, '' when the element is in no namespace. */
  ns: string;
  local: string;
  prefix: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own character data (text and CDATA between its children), references decoded. */
  text: string;
}

export interface XmlNamespaceDeclaration {
  prefix: string;
  uri: string;
}

export interface XmlDocument {
  root: XmlElement;
  /** Every namespace declaration, in document order (`prefix` '' for a default namespace). */
  declarations: XmlNamespaceDeclaration[];
}

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

const NAME_START =
  'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME = `[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`;
const QNAME = `${NAME}(?::${NAME})?`;
const S = '[ \\t\\n]'; // after line-end normalisation, XML white space is these three and space
const START_TAG = new RegExp(`<(${QNAME})`, 'y');
const ATTRIBUTE = new RegExp(`${S}+(${QNAME})${S}*=${S}*(?:"([^<"]*)"|'([^<']*)')`, 'y');
const TAG_CLOSE = new RegExp(`${S}*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${QNAME})${S}*>`, 'y');
const XML_DECLARATION = new RegExp(`<\\?xml${S}[^]*?\\?>`, 'y');
const PI_TARGET = new RegExp(`<\\?(${NAME})`, 'y');
/** Characters XML 1.0 forbids anywhere, even escaped. */
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const REFERENCE = /&(#x[0-9A-Fa-f]+|#[0-9]+|[^\s&;<]*)(;?)/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

interface Open {
  element: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

/** Reads one XML document into an element tree; throws EpcisParseError ('xml-doctype', 'malformed-xml', 'too-deep'). */
export function readXml(source: string, limits: Limits): XmlDocument {
  // A DOCTYPE is refused wherever it appears, so no entity declaration can ever be seen, let alone expanded.
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) {
    throw new EpcisParseError('xml-doctype', 'XML documents with a DOCTYPE or entity declarations are not accepted');
  }
  const text = source.replace(/\r\n?/g, '\n');
  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden) fail(text, forbidden.index, 'character not allowed in XML');

  const declarations: XmlNamespaceDeclaration[] = [];
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  let pos = matchAt(XML_DECLARATION, text, 0)?.[0].length ?? 0;

  while (pos < text.length) {
    if (text[pos] !== '<') {
      const next = text.indexOf('<', pos);
      const end = next < 0 ? text.length : next;
      if (stack.length > 0) stack[stack.length - 1].element.text += decode(text, pos, end);
      else if (/[^ \t\n]/.test(text.slice(pos, end))) fail(text, pos, 'text outside the root element');
      pos = end;
    } else if (text.startsWith('<!--', pos)) {
      pos = skipPast(text, pos, 4, '-->', 'comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (stack.length === 0) fail(text, pos, 'CDATA section outside the root element');
      const end = skipPast(text, pos, 9, ']]>', 'CDATA section');
      stack[stack.length - 1].element.text += text.slice(pos + 9, end - 3);
      pos = end;
    } else if (text.startsWith('<?', pos)) {
      const target = matchAt(PI_TARGET, text, pos);
      if (!target || target[1].toLowerCase() === 'xml') fail(text, pos, 'misplaced XML declaration or bad instruction');
      pos = skipPast(text, pos, 2, '?>', 'processing instruction');
    } else if (text.startsWith('</', pos)) {
      const end = matchAt(END_TAG, text, pos) ?? fail(text, pos, 'malformed end tag');
      const open = stack.pop();
      if (!open || open.qname !== end[1]) fail(text, pos, `end tag </${end[1]}> does not match the open element`);
      pos += end[0].length;
    } else {
      if (root && stack.length === 0) fail(text, pos, 'content after the root element');
      checkDepth(stack.length + 1, limits);
      const tag = readStartTag(text, pos, stack[stack.length - 1]?.scope ?? ROOT_SCOPE, declarations);
      if (stack.length > 0) stack[stack.length - 1].element.children.push(tag.open.element);
      else root = tag.open.element;
      if (!tag.selfClosing) stack.push(tag.open);
      pos = tag.end;
    }
  }
  if (stack.length > 0) fail(text, text.length, `element <${stack[stack.length - 1].qname}> is not closed`);
  if (!root) fail(text, 0, 'no root element');
  return { root, declarations };
}

const ROOT_SCOPE = new Map([['xml', XML_NAMESPACE]]);

function readStartTag(
  text: string,
  pos: number,
  parentScope: Map<string, string>,
  declared: XmlNamespaceDeclaration[],
): { open: Open; selfClosing: boolean; end: number } {
  const name = matchAt(START_TAG, text, pos) ?? fail(text, pos, 'malformed start tag');
  let at = pos + name[0].length;
  const raw = new Map<string, string>();
  for (let m = matchAt(ATTRIBUTE, text, at); m; m = matchAt(ATTRIBUTE, text, at)) {
    if (raw.has(m[1])) fail(text, at, `attribute ${m[1]} repeated`);
    raw.set(m[1], decodeAttribute(text, at, m[2] ?? m[3]));
    at += m[0].length;
  }
  const close = matchAt(TAG_CLOSE, text, at) ?? fail(text, at, `malformed start tag <${name[1]}>`);

  let scope = parentScope;
  const attributes: XmlAttribute[] = [];
  for (const [qname, value] of raw) {
    const [prefix, local] = split(qname);
    if (qname === 'xmlns' || prefix === 'xmlns') {
      const declaredPrefix = prefix ? local : '';
      if (prefix && value === '') fail(text, pos, `namespace prefix ${local} bound to an empty URI`);
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(declaredPrefix, value);
      declared.push({ prefix: declaredPrefix, uri: value });
    } else {
      attributes.push({ ns: '', local, prefix, value });
    }
  }
  // Unprefixed attributes are in no namespace; prefixed ones resolve like element names.
  for (const attribute of attributes) {
    if (attribute.prefix) attribute.ns = resolve(text, pos, scope, attribute.prefix);
  }
  const [prefix, local] = split(name[1]);
  const ns = resolve(text, pos, scope, prefix);
  const element: XmlElement = { ns, local, prefix, attributes, children: [], text: '' };
  return { open: { element, qname: name[1], scope }, selfClosing: close[1] === '/', end: at + close[0].length };
}

function resolve(text: string, pos: number, scope: Map<string, string>, prefix: string): string {
  const ns = scope.get(prefix);
  if (ns === undefined && prefix) fail(text, pos, `namespace prefix ${prefix} is not declared`);
  return ns ?? '';
}

function split(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/** Attribute-value normalisation (XML 1.0 §3.3.3): literal tabs and line ends read as spaces; references do not. */
function decodeAttribute(text: string, pos: number, raw: string): string {
  return decodeReferences(text, pos, raw.replace(/[\t\n]/g, ' '));
}

function decode(text: string, start: number, end: number): string {
  return decodeReferences(text, start, text.slice(start, end));
}

function decodeReferences(text: string, pos: number, raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (reference: string, body: string, semicolon: string, offset: number) => {
    if (!semicolon || !body) fail(text, pos + offset, "'&' must start a character or entity reference");
    if (body[0] !== '#') {
      return PREDEFINED[body] ?? fail(text, pos + offset, `undeclared entity &${body};`);
    }
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
    return valid ? String.fromCodePoint(code) : fail(text, pos + offset, `${reference} is not an XML character`);
  });
}

/** The position after `terminator`, searched from `pos + opener` (the opener's length). */
function skipPast(text: string, pos: number, opener: number, terminator: string, what: string): number {
  const end = text.indexOf(terminator, pos + opener);
  if (end < 0) fail(text, pos, `${what} is not closed`);
  return end + terminator.length;
}

function matchAt(pattern: RegExp, text: string, pos: number): RegExpExecArray | null {
  pattern.lastIndex = pos;
  return pattern.exec(text);
}

function fail(text: string, pos: number, message: string): never {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  throw new EpcisParseError('malformed-xml', `${message} (line ${line}, column ${column})`);
}
