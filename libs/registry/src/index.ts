import { Partners1763780000000 } from './migrations/1763780000000-partners';
import { PrefixesLicences1763780600000 } from './migrations/1763780600000-prefixes-licences';
import { RegistryLog1763780900000 } from './migrations/1763780900000-registry-log';

export * from './entities';
export * from './key-validity';
export * from './registry-chain';
/** Registry migrations, in order; the ingest app, which owns the registry, runs them. */
export const REGISTRY_MIGRATIONS = [Partners1763780000000, PrefixesLicences1763780600000, RegistryLog1763780900000];
export * from './registry-cache';
