import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseEpcisDocument, parseEpcisEvent } from '../document';
import type { EpcisIssue } from '../errors';
import type { JsonObject } from '../signature';
import { checkEvents } from './check-events';
import type { EpcisInputFormat, EpcisInputKind } from './types';
import { validateEpcisInput } from './validate-input';
import { detectXmlVersion, scanProlog } from './xml-input';
import { useOfficialSchemas } from './testing/official-schemas';

/**
 * Every row of shared/conformance/epcis-documents/expectations.tsv, exactly:
 *   accept       the file is a valid capture document (schema layer and semantic layer: no issue);
 *   accept-event the file is a valid single event, and is rejected as a document;
 *   reject       the file is rejected, and for the reason the conformance README gives (REJECT_REASONS).
 */
const CONFORMANCE_DIR = process.env.CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../../../shared/conformance');
const DOCUMENTS = path.join(CONFORMANCE_DIR, 'epcis-documents');


type Expected = 'accept' | 'accept-event' | 'reject';
const rows: [string, Expected, string][] = readFileSync(path.join(DOCUMENTS, 'expectations.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [file, expected, note] = line.split('\t');
    return [file, expected as Expected, note ?? ''];
  });

/** One issue must match: its eventIndex (when given) and every fragment, in `rule path message`. */
interface Reason {
  event?: number;
  all: string[];
}
const r = (event: number | undefined, ...all: string[]): Reason => ({ event, all });

/** Why each rejected file is rejected (conformance README, "Invalid files" and the strict-schema caveats). */
const REJECT_REASONS: Record<string, Reason[]> = {
  '1.2/xml/capture/valid/AssociationEvent_all_possible_fields.xml': [r(0, 'xsd-undeclared-prefix', "'xsd:integer'")],
  '1.2/xml/capture/valid/Document_with_namespace.xml': [r(0, 'xsd-unexpected-element', '{urn:epcglobal:epcis:xsd:2}ObjectEvent')],
  '1.2/xml/capture/valid/Jumbled_attributes_order.xml': [r(0, 'xsd-unexpected-element', 'Expected is ( eventTime )')],
  '1.2/xml/capture/valid/ObjectEvent_all_possible_fields.xml': [r(0, 'xsd-unexpected-element', '/certificationInfo')],
  '1.2/xml/capture/valid/Single_event_with_namespace.xml': [r(0, 'xsd-unexpected-element', '{urn:epcglobal:epcis:xsd:2}ObjectEvent')],
  '1.2/xml/capture/valid/TransactionEvent_all_possible_fields.xml': [r(0, 'xsd-datatype', '/errorDeclaration/declarationTime', '2006-11-07T13:00Z')],
  '2.0/json/capture/invalid/Combination_of_events_with_missing_mandatory_fields.json': [
    r(0, 'required', '/action'),
    r(1, 'required', '/action'),
    r(1, 'required', '/eventTimeZoneOffset'),
  ],
  '2.0/json/capture/invalid/Combination_of_multiple_invalid_fields.json': [
    r(0, 'cbv-bizStep', '/bizStep', 'transforming'),
    r(1, 'cbv-disposition', '/disposition', 'in_transport'),
    r(2, 'cbv-source-destination-type', '/sourceList/0/type', 'place'),
    r(3, 'extension-namespace', '/ilmd/materialType'),
    r(4, 'date-time', '/eventTime', '22-07-2026'),
    r(4, 'action', '/action', 'CREATE'),
  ],
  '2.0/json/capture/invalid/Combination_of_non_standard_bizStep_and_disposition.json': [
    r(0, 'cbv-bizStep', '/bizStep', 'transforming'),
    r(1, 'cbv-disposition', '/disposition', 'in_transport'),
  ],
  '2.0/json/capture/invalid/EPCISDocument_without_context.json': [r(undefined, 'required', '/@context')],
  '2.0/json/capture/invalid/ObjectEvent_with_ilmd_field_without_namespace.json': [r(0, 'extension-namespace', '/ilmd/materialType')],
  '2.0/json/capture/invalid/ObjectEvent_with_invalid_action.json': [r(0, 'action', '/action', 'CREATE')],
  '2.0/json/capture/invalid/ObjectEvent_with_invalid_certificationInfo.json': [r(0, 'certificationInfo', '/certificationInfo/0')],
  '2.0/json/capture/invalid/ObjectEvent_with_invalid_eventTime_format.json': [r(0, 'date-time', '/eventTime', '22-07-2026')],
  '2.0/json/capture/invalid/ObjectEvent_with_non_standard_bizStep.json': [r(0, 'cbv-bizStep', '/bizStep', 'transforming')],
  '2.0/json/capture/invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json': [r(1, 'cbv-bizStep', '/bizStep', 'transforming')],
  '2.0/json/capture/invalid/ObjectEvent_with_non_standard_disposition.json': [r(0, 'cbv-disposition', '/disposition', 'in_transport')],
  '2.0/json/capture/invalid/ObjectEvent_with_quantity_as_text.json': [r(0, 'quantity', '/quantityList/0/quantity', 'twenty')],
  '2.0/json/capture/invalid/ObjectEvent_with_unknown_field_in_quantityList.json': [r(0, 'unknown-property', '/quantityList/0/weight')],
  '2.0/json/capture/invalid/ObjectEvent_without_action_and_eventTime.json': [
    r(0, 'required', '/action'),
    r(0, 'required', '/eventTime'),
    r(0, 'required', '/eventTimeZoneOffset'),
  ],
  '2.0/json/capture/invalid/ObjectEvent_without_identifier_list.json': [r(0, 'what-dimension', 'epcList')],
  '2.0/xml/capture/events/Namespace_event.xml': [r(0, 'xsd-unexpected-element', '{urn:epcglobal:epcis:xsd:2}ObjectEvent')],
  '2.0/xml/capture/invalid/ObjectEvent_bare_event_without_action.xml': [r(0, 'xsd-unexpected-element', 'Expected is ( action )')],
  '2.0/xml/capture/invalid/ObjectEvent_with_invalid_action.xml': [r(0, 'xsd-enumeration', '/action', 'CREATE')],
  '2.0/xml/capture/invalid/ObjectEvent_with_invalid_eventTime_format.xml': [r(0, 'xsd-datatype', '/eventTime', '22-07-2026')],
  '2.0/xml/capture/invalid/ObjectEvent_with_near_miss_action.xml': [r(0, 'xsd-enumeration', '/action', 'OBSERV')],
  '2.0/xml/capture/invalid/ObjectEvent_with_unknown_element.xml': [r(0, 'xsd-unexpected-element', '/madeUpField')],
  '2.0/xml/capture/invalid/ObjectEvent_with_wrong_element_order.xml': [r(0, 'xsd-unexpected-element', '/action', 'Expected is ( eventTime )')],
  '2.0/xml/capture/invalid/ObjectEvent_without_eventTime.xml': [r(0, 'xsd-unexpected-element', 'Expected is ( eventTime )')],
  '2.0/xml/capture/valid/JumbledFieldsOrder.xml': [r(0, 'xsd-unexpected-element', 'Expected is ( eventTime )')],
  '2.0/xml/capture/valid/Namespace_document.xml': [r(0, 'xsd-unexpected-element', '{urn:epcglobal:epcis:xsd:2}ObjectEvent')],
};

function formatOf(file: string, text: string): EpcisInputFormat {
  if (file.endsWith('.json')) return 'json';
  // The version the document declares (its root namespace); a bare event declares none, so its folder decides.
  return (detectXmlVersion(text) ?? (file.startsWith('1.2/') ? '1.2' : '2.0')) === '2.0' ? 'xml-2.0' : 'xml-1.2';
}

/** The kind a file presents itself as: a document when its root is an EPCISDocument. */
function kindOf(file: string, text: string): EpcisInputKind {
  if (file.endsWith('.json')) return (JSON.parse(text) as JsonObject).type === 'EPCISDocument' ? 'document' : 'event';
  return scanProlog(text).rootName?.replace(/^.*:/, '') === 'EPCISDocument' ? 'document' : 'event';
}

/** Both layers, as the capture path runs them: schema first; when the schema is satisfied, the semantic checks. */
function validate(file: string, kind: EpcisInputKind): EpcisIssue[] {
  const raw = readFileSync(path.join(DOCUMENTS, file));
  const text = raw.toString('utf8');
  const format = formatOf(file, text);
  const schemaIssues = validateEpcisInput(raw, format, kind);
  if (schemaIssues.length > 0) return schemaIssues;
  if (format === 'json') {
    const json = JSON.parse(text) as JsonObject;
    if (kind === 'event') return checkEvents([json]);
    return checkEvents(((json.epcisBody as JsonObject).eventList as JsonObject[]) ?? [], { '@context': json['@context'] });
  }
  if (kind === 'event') {
    const model = parseEpcisEvent(raw);
    return checkEvents([model.event], { '@context': model.context });
  }
  const model = parseEpcisDocument(raw);
  return checkEvents(model.events, { '@context': model.context });
}

const describeIssues = (issues: EpcisIssue[]): string => issues.map((i) => `  [${i.eventIndex ?? '-'}] ${i.rule} ${i.path}: ${i.message}`).join('\n');

useOfficialSchemas();

describe('expectations.tsv', () => {
  it('lists every capture file with a known expectation', () => {
    expect(rows.length).toBeGreaterThanOrEqual(127);
    for (const [, expected] of rows) expect(['accept', 'accept-event', 'reject']).toContain(expected);
  });

  it('has a reject reason for exactly the rejected rows', () => {
    const rejected = rows.filter(([, e]) => e === 'reject').map(([f]) => f).sort();
    expect(Object.keys(REJECT_REASONS).sort()).toEqual(rejected);
  });
});

describe.each(rows)('%s: %s', (file, expected, note) => {
  if (expected === 'accept') {
    it('is a valid capture document', () => {
      const issues = validate(file, 'document');
      if (issues.length) throw new Error(`expected no issues (${note || 'accept'}), got:\n${describeIssues(issues)}`);
    });
  } else if (expected === 'accept-event') {
    it('is a valid single event', () => {
      const issues = validate(file, 'event');
      if (issues.length) throw new Error(`expected no issues as an event, got:\n${describeIssues(issues)}`);
    });
    it('is not a capture document', () => {
      expect(validate(file, 'document').length).toBeGreaterThan(0);
    });
  } else {
    it('is rejected for the documented reason', () => {
      const text = readFileSync(path.join(DOCUMENTS, file), 'utf8');
      const issues = validate(file, kindOf(file, text));
      expect(issues.length).toBeGreaterThan(0);
      for (const reason of REJECT_REASONS[file] ?? []) {
        const hit = issues.some(
          (i) => (reason.event === undefined || i.eventIndex === reason.event) && reason.all.every((f) => `${i.rule} ${i.path} ${i.message}`.includes(f)),
        );
        if (!hit) throw new Error(`no issue matches ${JSON.stringify(reason)} (${note}); got:\n${describeIssues(issues)}`);
      }
    });
    it('is rejected whatever kind it is presented as', () => {
      expect(validate(file, 'document').length).toBeGreaterThan(0);
      expect(validate(file, 'event').length).toBeGreaterThan(0);
    });
  }
});

describe('rejections name the event', () => {
  it('only the second event of ObjectEvent_with_non_standard_bizStep_in_second_event is at fault', () => {
    const issues = validate('2.0/json/capture/invalid/ObjectEvent_with_non_standard_bizStep_in_second_event.json', 'document');
    expect(issues.map((i) => i.eventIndex)).toEqual([1]);
  });

  it('XML issues carry the eventID of the event at fault', () => {
    const issues = validate('1.2/xml/capture/valid/TransactionEvent_all_possible_fields.xml', 'document');
    expect(issues[0]).toMatchObject({ eventIndex: 0, eventID: expect.stringMatching(/^ni:\/\/\/sha-256;/) });
  });

  it('a 1.2 file declaring the 2.0 namespace is rejected against the 1.2 XSD too', () => {
    const raw = readFileSync(path.join(DOCUMENTS, '1.2/xml/capture/valid/Document_with_namespace.xml'));
    expect(validateEpcisInput(raw, 'xml-1.2', 'document')).toEqual([expect.objectContaining({ rule: 'xsd-root' })]);
  });
});
