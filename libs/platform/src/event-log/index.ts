export * from './embedded-log';
export * from './log-producer';
