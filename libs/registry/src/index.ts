import { Partners1763780000000 } from './migrations/1763780000000-partners';
import { PrefixesLicences1763780600000 } from './migrations/1763780600000-prefixes-licences';
import { RegistryLog1763780900000 } from './migrations/1763780900000-registry-log';
import { Credentials1763781200000 } from './migrations/1763781200000-credentials';

export * from './entities';
export * from './key-validity';
export * from './registry-chain';
export * from './credentials';
export * from './partner-auth.guard';
/** Registry migrations, in order; the ingest app, which owns the registry, runs them. */
export const REGISTRY_MIGRATIONS = [Partners1763780000000, PrefixesLicences1763780600000, RegistryLog1763780900000, Credentials1763781200000];
export * from './registry-cache';
