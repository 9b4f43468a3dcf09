import type { EpcisIssue } from '../errors';
import type { EpcisInputKind } from './types';
import { isWhitespaceArtefact } from './xsd-artefacts';
import { validateWithXsd, type XsdDiagnostic, type XsdVersion } from './xsd-validator';

const EPCIS_NS: Record<XsdVersion, string> = { '2.0': 'urn:epcglobal:epcis:xsd:2', '1.2': 'urn:epcglobal:epcis:xsd:1' };
const EVENT_NAMES: Record<XsdVersion, ReadonlySet<string>> = {
  '2.0': new Set(['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent']),
  '1.2': new Set(['ObjectEvent', 'AggregationEvent', 'QuantityEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent']),
};
// A prefix no real document uses, so the synthetic wrapper cannot capture an undeclared prefix of the event.
const WRAP_PREFIX = 'dscsa-wrap';

interface Prolog {
  /** Offset of the root element's '<', when the prolog is well-formed enough to find it. */
  rootStart?: number;
  /** The root element's qualified name. */
  rootName?: string;
  doctype: boolean;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Walks the XML prolog (declaration, comments, processing instructions) up to the root element. */
export function scanProlog(text: string): Prolog {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) break;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) break;
      i = end + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      return { doctype: true };
    } else {
      const m = /^<([A-Za-z_\u00C0-\uFFFF][^\s/>]*)/.exec(text.slice(i, i + 512));
      return m ? { rootStart: i, rootName: m[1], doctype: false } : { doctype: false };
    }
  }
  return { doctype: false };
}

/**
 * The EPCIS version an XML input declares: the namespace bound to its root's prefix (or the default
 * namespace), looked up in the root start tag. Undefined when it is neither EPCIS 2.0 nor 1.2.
 */
export function detectXmlVersion(text: string): XsdVersion | undefined {
  const { rootStart, rootName } = scanProlog(text);
  if (rootStart === undefined || !rootName) return undefined;
  const end = text.indexOf('>', rootStart);
  const tag = text.slice(rootStart, end < 0 ? undefined : end);
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : '';
  const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
  const escaped = attr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`\\s${escaped}\\s*=\\s*(["'])(.*?)\\1`).exec(tag);
  // A bare EPCIS 1.2/2.0 event has no namespace of its own; its schemaVersion cannot tell either.
  if (!m) return undefined;
  if (m[2] === EPCIS_NS['2.0']) return '2.0';
  if (m[2] === EPCIS_NS['1.2']) return '1.2';
  return undefined;
}

/**
 * Places a bare event inside a minimal EPCISDocument so the XSD (which has no global event element)
 * can validate it. The wrapper is inserted on the event's own line, so reported lines stay right.
 */
function wrapEvent(text: string, rootStart: number, rootLocalName: string, version: XsdVersion): string {
  let open = `<${WRAP_PREFIX}:EPCISDocument xmlns:${WRAP_PREFIX}="${EPCIS_NS[version]}" schemaVersion="${version}" creationDate="2000-01-01T00:00:00Z"><EPCISBody><EventList>`;
  let close = `</EventList></EPCISBody></${WRAP_PREFIX}:EPCISDocument>`;
  if (version === '1.2' && rootLocalName === 'TransformationEvent') {
    open += '<extension>';
    close = `</extension>${close}`;
  } else if (version === '1.2' && rootLocalName === 'AssociationEvent') {
    open += '<extension><extension>';
    close = `</extension></extension>${close}`;
  }
  return text.slice(0, rootStart) + open + text.slice(rootStart) + close;
}

function xsdRule(message: string): string {
  const facet = /\[facet '([A-Za-z]+)'\]/.exec(message);
  if (facet) return facet[1] === 'enumeration' ? 'xsd-enumeration' : `xsd-facet-${facet[1]}`;
  if (/is not a valid value of the (local )?(atomic|union|list) type/.test(message)) return 'xsd-datatype';
  if (/This element is not expected/.test(message)) return 'xsd-unexpected-element';
  if (/Missing child element/.test(message)) return 'xsd-missing-element';
  if (/No matching global declaration available for the validation root/.test(message)) return 'xsd-root';
  if (/attribute '[^']*' is required but missing/.test(message)) return 'xsd-missing-attribute';
  if (/attribute '[^']*' is not allowed/.test(message)) return 'xsd-unexpected-attribute';
  if (/no corresponding namespace declaration/.test(message)) return 'xsd-undeclared-prefix';
  return 'xsd';
}

/** The field path of a diagnostic inside its event (a JSON-pointer-like node path), or the node path. */
function fieldPath(d: XsdDiagnostic): string {
  let path = d.xpath && d.event?.path && d.xpath.startsWith(d.event.path) ? d.xpath.slice(d.event.path.length) || '/' : (d.event ? '/' : d.xpath ?? '/');
  // "Missing child element(s). Expected is ( action )": the path names the missing field.
  const expected = /Missing child element\(s\)\. Expected is \( ([^ ,)]+) \)/.exec(d.message);
  if (expected && d.event) path = `${path === '/' ? '' : path}/${expected[1]}`;
  return path;
}

function toIssues(details: XsdDiagnostic[], stage: 'parse' | 'validate', kind: EpcisInputKind): EpcisIssue[] {
  const issues: EpcisIssue[] = [];
  for (const d of details) {
    if (d.level === 1) continue; // warnings
    const where = d.line > 0 ? `line ${d.line}: ` : '';
    if (stage === 'parse') {
      issues.push({ path: '/', rule: 'xml-syntax', message: `${where}${d.message}` });
      continue;
    }
    if (isWhitespaceArtefact(d.message)) continue;
    const issue: EpcisIssue = { path: fieldPath(d), rule: xsdRule(d.message), message: `${where}${d.message}` };
    if (d.event) {
      issue.eventIndex = kind === 'event' ? 0 : d.event.index;
      if (d.event.eventID) issue.eventID = d.event.eventID;
    }
    issues.push(issue);
  }
  return issues;
}

/**
 * Validates EPCIS XML against the official XSD of `version`: a whole EPCISDocument, or one bare
 * event (kind 'event'), which is validated inside a synthetic document. A DOCTYPE is refused before
 * any parsing (no DTD, entity or external-resource processing ever happens).
 */
export function validateXmlText(text: string, version: XsdVersion, kind: EpcisInputKind): EpcisIssue[] {
  const prolog = scanProlog(text);
  if (prolog.doctype) {
    return [{ path: '/', rule: 'xml-doctype', message: 'a DOCTYPE declaration is not allowed in EPCIS input' }];
  }
  let xml = text;
  if (kind === 'event') {
    if (prolog.rootStart === undefined || !prolog.rootName) {
      return [{ path: '/', rule: 'xml-syntax', message: 'no root element found' }];
    }
    const local = prolog.rootName.slice(prolog.rootName.indexOf(':') + 1);
    if (!EVENT_NAMES[version].has(local)) {
      return [
        {
          path: '/',
          rule: local === 'EPCISDocument' ? 'not-an-event' : 'event-type',
          message: `the root element <${prolog.rootName}> is not an EPCIS ${version} event (${[...EVENT_NAMES[version]].join(', ')})`,
        },
      ];
    }
    xml = wrapEvent(text, prolog.rootStart, local, version);
  }
  const outcome = validateWithXsd(xml, version);
  if (outcome.ok) return [];
  const issues = toIssues(outcome.details, outcome.stage, kind);
  if (outcome.more > 0) {
    issues.push({ path: '/', rule: 'too-many-issues', message: `${outcome.more} more ${outcome.stage === 'parse' ? 'XML syntax' : 'XSD'} errors are not listed` });
  }
  if (issues.length === 0 && outcome.stage === 'parse') {
    issues.push({ path: '/', rule: 'xml-syntax', message: 'not well-formed XML' });
  }
  return issues;
}
