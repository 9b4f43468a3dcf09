import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PrefixOwner, RegistryView } from '@app/custody';

/** Refreshed at most this often, and at once after a registry change made through this process. */
const MAX_AGE_MS = 2000;

/** Company prefixes and their delegates in memory: capture consults them for every commissioning. */
@Injectable()
export class RegistryCache {
  private owners = new Map<string, PrefixOwner>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async view(): Promise<RegistryView> {
    if (Date.now() - this.loadedAt > MAX_AGE_MS) await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    const owners = this.owners;
    return {
      prefixOwner(gtin: string) {
        // GS1 company prefixes are 4 to 12 digits and follow the GTIN-14 indicator digit; the longest registered one wins.
        for (let length = 12; length >= 4; length--) {
          const owner = owners.get(gtin.slice(1, 1 + length));
          if (owner) return owner;
        }
        return undefined;
      },
    };
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async load(): Promise<void> {
    const rows = (await this.db.query(
      `SELECT p.prefix, p.gln, coalesce(json_agg(json_build_object('gln', d.gln, 'validFrom', d.valid_from, 'validUntil', d.valid_until))
         FILTER (WHERE d.gln IS NOT NULL), '[]') AS delegates
       FROM ingest.company_prefix p LEFT JOIN ingest.prefix_delegate d USING (prefix) GROUP BY p.prefix, p.gln`,
    )) as { prefix: string; gln: string; delegates: { gln: string; validFrom: string; validUntil: string | null }[] }[];
    this.owners = new Map(
      rows.map((r) => [
        r.prefix,
        {
          prefix: r.prefix,
          gln: r.gln,
          delegates: r.delegates.map((d) => ({ gln: d.gln, validFrom: new Date(d.validFrom), validUntil: d.validUntil ? new Date(d.validUntil) : null })),
        },
      ]),
    );
    this.loadedAt = Date.now();
  }
}
