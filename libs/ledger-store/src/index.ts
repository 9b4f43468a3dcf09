import { Log1763780100000 } from './migrations/1763780100000-log';
import { QueryColumns1763780300000 } from './migrations/1763780300000-query-columns';
import { WriterLease1763780500000 } from './migrations/1763780500000-writer-lease';
import { Checkpoints1763780700000 } from './migrations/1763780700000-checkpoints';
import { DeadLetters1763781100000 } from './migrations/1763781100000-dead-letters';
import { Recalls1763781300000 } from './migrations/1763781300000-recalls';
import { ScopingAccess1763781500000 } from './migrations/1763781500000-scoping-access';
import { ProjectionKeys1763782000000 } from './migrations/1763782000000-projection-keys';

export * from './formats';
export * from './batch-signatures';
export * from './access';
export * from './node-reader';
export const LEDGER_MIGRATIONS = [Log1763780100000, QueryColumns1763780300000, WriterLease1763780500000, Checkpoints1763780700000, DeadLetters1763781100000, Recalls1763781300000, ScopingAccess1763781500000, ProjectionKeys1763782000000];
export * from './audit';
export * from './projections';
