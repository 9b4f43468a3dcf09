export * from './captured-event';
export * from './epc';
export * from './errors';
export * from './event-hash';
export * from './event-summary';
export * from './signature';
export * from './vocabulary';
