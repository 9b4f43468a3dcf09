import { INestApplication, Logger, LogLevel, Type, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProblemFilter } from './problem.filter';

export interface AppSpec {
  name: string;
  /** Config key holding the HTTP port, e.g. INGEST_PORT. */
  portKey: string;
  description: string;
  /** Config key holding the largest accepted request body, e.g. '2mb'; 1 MB when absent. */
  bodyLimitKey?: string;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Builds an app the way production runs it: problem+json errors, OpenAPI at /docs, shutdown hooks. */
export async function createApp(module: Type<unknown>, spec: AppSpec): Promise<INestApplication> {
  const level = (process.env.LOG_LEVEL ?? 'log') as LogLevel;
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    rawBody: true,
    logger: LOG_LEVELS.slice(0, Math.max(LOG_LEVELS.indexOf(level), 1) + 1),
  });
  const limit = spec.bodyLimitKey ? app.get(ConfigService).getOrThrow<string>(spec.bodyLimitKey) : '1mb';
  app.useBodyParser('json', { type: ['application/json', 'application/ld+json', 'application/*+json'], limit });
  app.useBodyParser('raw', { type: ['application/xml', 'text/xml', 'application/*+xml'], limit });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  const trustProxy = app.get(ConfigService).get<string>('TRUST_PROXY');
  if (trustProxy) app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  const doc = new DocumentBuilder().setTitle(`DSCSA ${spec.name}`).setDescription(spec.description).addBearerAuth().build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  return app;
}

/** Creates the app and listens on its configured port. */
export async function startApp(module: Type<unknown>, spec: AppSpec): Promise<INestApplication> {
  const app = await createApp(module, spec);
  const config = app.get(ConfigService);
  await app.listen(config.getOrThrow<number>(spec.portKey), config.getOrThrow<string>('HOST'));
  new Logger(spec.name).log(`listening on ${await app.getUrl()} (OpenAPI at /docs)`);
  return app;
}

/** The whole of each app's main.ts: start, or exit non-zero with one readable line. */
export function runApp(module: Type<unknown>, spec: AppSpec): void {
  startApp(module, spec).catch((e: Error) => {
    new Logger(spec.name).fatal(`failed to start: ${e.message}`);
    process.exit(1);
  });
}
