#!/usr/bin/env bash
# Fetches the official GS1 EPCIS XSDs (2.0 and 1.2, with their imports) from Maven Central into
# .infra/schemas/epcis (gitignored), using schemas/pom.xml (maven-dependency-plugin unpack), and checks
# every file against the SHA-256 list in schemas/epcis-xsd.sha256. Idempotent: when the files are
# already there and match, it only re-hashes them (well under a second) and does not call Maven.
#
#   bash scripts/fetch-schemas.sh
#
# Environment:
#   EPCIS_SCHEMA_DIR  where to put them (default <repo>/.infra/schemas/epcis); the validators read the same
#                     variable, so set it for both or neither.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$REPO_ROOT/schemas/pom.xml"
SUMS="$REPO_ROOT/schemas/epcis-xsd.sha256"
DEST="${EPCIS_SCHEMA_DIR:-$REPO_ROOT/.infra/schemas/epcis}"

log() { printf 'fetch-schemas: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"

if command -v flock >/dev/null; then
  exec 9>"$DEST/.fetch.lock"
  flock -w 300 9 || die "another fetch-schemas.sh holds $DEST/.fetch.lock"
fi

verify() { (cd "$DEST" && sha256sum --check --quiet --strict "$SUMS") >/dev/null 2>&1; }

if verify; then
  exit 0
fi

command -v mvn >/dev/null || die "mvn is not installed (apt-get install maven openjdk-17-jre-headless)"
log "fetching EPCIS XSDs from Maven Central into $DEST"
if ! output="$(mvn -q -B -Dstyle.color=never -f "$POM" dependency:unpack -Dschemas.dir="$DEST" 2>&1)"; then
  printf '%s\n' "$output" >&2
  die "mvn dependency:unpack failed (output above)"
fi

if ! verify; then
  (cd "$DEST" && sha256sum --check --strict "$SUMS") >&2 || true
  die "downloaded schemas do not match schemas/epcis-xsd.sha256"
fi
log "ok: $(wc -l <"$SUMS") schema files in $DEST"
