import { DataSource, DataSourceOptions, MixedList, EntitySchema } from 'typeorm';

export interface SchemaDataSourceOptions {
  url: string;
  /** The PostgreSQL schema this app owns and migrates; the only one it writes. */
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName: string;
}

/**
 * Connection options for the platform's own sessions: JIT off. Their statements read a few index entries each, but a
 * recursive custody query over a thousand packages is estimated high enough to be compiled, which took 1 s for 40 ms
 * of work (EXPLAIN ANALYZE).
 */
export const SESSION_OPTIONS = '-c jit=off';

/**
 * A statement prepared by name on each connection of the data source's pool: PostgreSQL parses it once per connection,
 * and once it settles on a generic plan (after five executions, when that plan costs no more than the custom ones) it
 * stops planning it too. For a hot statement whose planning costs as much as its execution.
 */
export async function preparedQuery<T>(db: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (db.driver as unknown as { master: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> } }).master;
  return (await pool.query({ name, text, values })).rows;
}

export function schemaDataSourceOptions(o: SchemaDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: o.applicationName,
    poolSize: o.poolSize,
    extra: { max: o.poolSize, options: SESSION_OPTIONS },
  };
}

/**
 * Creates the app's schema (TypeORM keeps its migrations table inside it, so it must exist first),
 * then runs pending migrations. Several processes may start at once: an advisory lock serialises them.
 */
export async function initializeSchemaDataSource(options: DataSourceOptions & { schema?: string }): Promise<DataSource> {
  const ds = new DataSource(options);
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${options.schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${options.schema}`]);
    }
  } finally {
    await runner.release();
  }
  return ds;
}
