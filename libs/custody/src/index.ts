export * from './authorization';
export type {
  AssessInput,
  Assessment,
  ContainerSpan,
  CustodyEvent,
  CustodyStep,
  PartnerFacts,
  Reason,
  ReasonCode,
  Recall,
  Severity,
  StepKind,
  Verdict,
} from './model';
export { SEVERITY } from './model';
export { LICENCES_BY_ROLE } from './rules';
export { assessCustody } from './verdict';
export * from './diversion';
export * from './visibility';
