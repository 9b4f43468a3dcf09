export { validateEpcisInput, decodeEpcisInput } from './validate-input';
export { checkEvents, type CheckEventsContext } from './check-events';
export { validateJsonValue, EPCIS_CAPTURE_SCHEMA_ID, MAX_SCHEMA_ISSUES } from './json-schema';
export { validateXmlText, detectXmlVersion, scanProlog } from './xml-input';
export {
  closeXsdValidator,
  epcisSchemaDir,
  validateWithXsd,
  warmUpXsdValidator,
  MAX_XSD_DETAILS,
  XSD_LAYOUT,
  type XsdDiagnostic,
  type XsdOutcome,
  type XsdVersion,
} from './xsd-validator';
export {
  cbvProblem,
  sensorTermProblem,
  CBV_BIZ_STEPS,
  CBV_BIZ_TRANSACTION_TYPES,
  CBV_COMPONENTS,
  CBV_DISPOSITIONS,
  CBV_ERROR_REASONS,
  CBV_SOURCE_DEST_TYPES,
  SENSOR_ALERT_TYPES,
  SENSOR_MEASUREMENT_TYPES,
  type CbvVocabulary,
} from './cbv';
export {
  EPCIS_INPUT_FORMATS,
  EPCIS_INPUT_KINDS,
  EpcisInputError,
  EpcisSchemaUnavailableError,
  type EpcisInputFormat,
  type EpcisInputKind,
} from './types';
