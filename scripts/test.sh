#!/usr/bin/env bash
# npm test: brings up PostgreSQL and Kafka if they are not running, builds, then runs every jest project.
# Extra arguments go to jest (e.g. npm test -- --selectProjects unit). Kafka stays up; npm run infra:down stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pg-up.sh
bash scripts/kafka-up.sh
bash scripts/fetch-schemas.sh   # the official EPCIS 1.2 / 2.0 XSDs, from Maven Central
npm run --silent build   # end-to-end tests also run the apps as separate processes from dist/
exec npx jest "$@"
