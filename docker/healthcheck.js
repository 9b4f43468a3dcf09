#!/usr/bin/env node
'use strict';
/*
 * The image's HEALTHCHECK (docker/Dockerfile): GET /health of this container's app (APP, on its <APP>_PORT);
 * exit 0 when it answers 200, 1 otherwise. A ledger standby waiting for the writer lease answers 200 too: its
 * /health reports the database and whether Kafka is reachable, not whether it is the one appending.
 */
const DEFAULT_PORTS = { ingest: 3000, ledger: 3001, verify: 3002 };

/** The port the app listens on: its own <APP>_PORT setting, else the app's default. */
function portOf(app, env) {
  return Number(env[`${app.toUpperCase()}_PORT`] || DEFAULT_PORTS[app]);
}

async function main(env) {
  const app = env.APP;
  if (!(app in DEFAULT_PORTS)) throw new Error(`APP must be ingest, ledger or verify (got '${app}')`);
  const res = await fetch(`http://127.0.0.1:${portOf(app, env)}/health`, { signal: AbortSignal.timeout(4000) });
  return res.status === 200;
}

if (require.main === module) {
  main(process.env).then(
    (ok) => process.exit(ok ? 0 : 1),
    (e) => {
      process.stderr.write(`healthcheck: ${e.message}\n`);
      process.exit(1);
    },
  );
}

module.exports = { main, portOf };
