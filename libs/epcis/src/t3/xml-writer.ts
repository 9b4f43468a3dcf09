import { T3Error } from './model';

/** An element to write: qualified name, attributes (undefined ones left out) and children (text or elements). */
export interface XmlNode {
  name: string;
  attributes?: Record<string, string | undefined>;
  children: (XmlNode | string)[];
}

export const element = (name: string, attributes: XmlNode['attributes'], ...children: (XmlNode | string)[]): XmlNode => ({
  name,
  attributes,
  children,
});

/** An element with one text child, or nothing when there is no value (optional members). */
export const textElement = (name: string, value: unknown): XmlNode[] =>
  value === undefined || value === null ? [] : [element(name, undefined, String(value))];

/**
 * Characters XML 1.0 cannot carry at all, even as references (C0 controls but tab and line ends, U+FFFE/FFFF, lone
 * surrogates). They become U+FFFD: the document must stay well-formed, and a visible mark beats silent deletion.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Markup characters, and white space a reader would normalise (CR in text, tab and line ends in attributes). */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text or attribute content that reads back as `value` (bar characters XML cannot hold; see NOT_XML). */
export const escapeXml = (value: string): string => value.replace(NOT_XML, '\uFFFD').replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c]);

const NC_NAME = /^[A-Za-z_][\w.-]*$/;
export const isNcName = (name: string): boolean => NC_NAME.test(name);

function checkName(name: string): string {
  const parts = name.split(':');
  if (parts.length > 2 || !parts.every(isNcName)) throw new T3Error(`${JSON.stringify(name)} is not an XML name`);
  return name;
}

/** The document, indented; every text sits alone in its element, so the indentation is never part of a value. */
export function renderXml(root: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root, '')}\n`;
}

function render(node: XmlNode, indent: string): string {
  const name = checkName(node.name);
  const attributes = Object.entries(node.attributes ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${checkName(key)}="${escapeXml(value)}"`)
    .join('');
  const open = `${indent}<${name}${attributes}`;
  if (node.children.length === 0) return `${open}/>`;
  if (node.children.every((c) => typeof c === 'string')) return `${open}>${escapeXml(node.children.join(''))}</${name}>`;
  const inner = node.children.map((c) => (typeof c === 'string' ? `${indent}  ${escapeXml(c)}` : render(c, `${indent}  `)));
  return `${open}>\n${inner.join('\n')}\n${indent}</${name}>`;
}
