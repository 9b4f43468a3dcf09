import { Log1763780100000 } from './migrations/1763780100000-log';

export * from './formats';
export const LEDGER_MIGRATIONS = [Log1763780100000];
