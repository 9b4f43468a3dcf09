import { DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ObjectSchema } from 'joi';
import type { EntitySchema, MixedList } from 'typeorm';
import { validateConfig } from './config';
import { initializeSchemaDataSource, schemaDataSourceOptions } from './database';
import { EmbeddedLog1763781700000 } from './event-log';

/** Process environment, validated against the app's schema at start-up; a bad value stops the app. */
export function configModule(schema: ObjectSchema): Promise<DynamicModule> {
  return ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, validate: validateConfig(schema) });
}

/** The app's PostgreSQL connection, migrated to the latest schema before anything uses it. */
export function databaseModule(opts: {
  app: string;
  schema: string;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
}): DynamicModule {
  return TypeOrmModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) =>
      schemaDataSourceOptions({
        url: config.getOrThrow('DATABASE_URL'),
        poolSize: config.getOrThrow('DATABASE_POOL_SIZE'),
        applicationName: `dscsa-${opts.app}`,
        schema: opts.schema,
        entities: opts.entities,
        // the embedded log's tables exist only in embedded mode; each app may create them, whichever starts first
        migrations: config.getOrThrow('EVENT_LOG') === 'embedded' ? [EmbeddedLog1763781700000, ...(opts.migrations as Function[])] : opts.migrations,
      }),
    dataSourceFactory: async (options) => initializeSchemaDataSource(options!),
  });
}
