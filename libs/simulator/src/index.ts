export { EPCIS_CONTEXT, type SignedDocument } from './documents';
export { ANOMALY_KINDS, TRADE_ANOMALY_KINDS, type AnomalyKind, type Lot, type LotPlan, type PackageReport, type SimEvent, type Summary } from './model';
export { registrationOf, type Partner, type Product } from './partners';
export { DEFAULT_OPTIONS, Simulation, type SimulationInput, type SimulationOptions } from './simulation';
