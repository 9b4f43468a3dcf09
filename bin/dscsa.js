#!/usr/bin/env node
// Runs the compiled CLI (npm run build, which npm ci runs through the prepare script).
const { main } = require('../dist/apps/cli/src/main.js');
main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`dscsa: ${e.message}\n`);
  process.exitCode = e.exitCode ?? 1;
});
