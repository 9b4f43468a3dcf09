/**
 * libxml2 does not collapse whitespace before checking the lexical form of an xsi:type'd built-in
 * type (XSD 1.0 part 2: every non-string atomic type has whiteSpace="collapse"), so a padded
 * "  2013-06-08T14:58:56.591Z  " is reported invalid. Such a report is dropped when the collapsed
 * value is valid. Shared, as regular-expression sources, with the libxml2 worker, which drops them
 * before they count towards its cap on diagnostics.
 */
const DATE = String.raw`-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])`;
const TIME = String.raw`(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)`;
const TZ = String.raw`(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?`;
const DECIMAL = String.raw`[+-]?(\d+(\.\d*)?|\.\d+)`;
const FLOAT = String.raw`^(${DECIMAL}([eE][+-]?\d+)?|INF|-INF|NaN)$`;

export const WHITESPACE_ARTEFACT = {
  /** libxml2's message for an atomic value that does not match its type: group 1 the value, group 2 the type. */
  message: String.raw`^Element '[^']*'(?:, attribute '[^']*')?: '([\s\S]*)' is not a valid value of the atomic type 'xs:([A-Za-z]+)'\.?$`,
  /** Lexical forms of the built-in types checked after collapsing. */
  lexical: {
    dateTime: `^${DATE}T${TIME}${TZ}$`,
    date: `^${DATE}${TZ}$`,
    time: `^${TIME}${TZ}$`,
    decimal: `^${DECIMAL}$`,
    integer: String.raw`^[+-]?\d+$`,
    boolean: '^(true|false|1|0)$',
    double: FLOAT,
    float: FLOAT,
  } as Record<string, string>,
};

const MESSAGE = new RegExp(WHITESPACE_ARTEFACT.message);
const LEXICAL = new Map(Object.entries(WHITESPACE_ARTEFACT.lexical).map(([type, source]) => [type, new RegExp(source)]));
const XML_SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/** True when libxml2 rejected a value only because of leading/trailing whitespace. */
export function isWhitespaceArtefact(message: string): boolean {
  const m = MESSAGE.exec(message.trim());
  if (!m) return false;
  const [, value, type] = m;
  const collapsed = value.replace(XML_SPACE, '');
  return collapsed !== value && LEXICAL.get(type)?.test(collapsed) === true;
}
