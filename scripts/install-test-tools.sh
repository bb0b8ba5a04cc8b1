#!/usr/bin/env bash
# Installs the real OCI clients and referees the tests drive (idempotent; .ci/run calls it):
#   - from Debian's apt: skopeo (an OCI client), docker-registry (CNCF distribution 2.8, a reference
#     registry for comparisons and benchmarks), openssl (the certificate of the test token issuer) and
#     containerd (its `ctr` pulls; the test starts the daemon itself), only when missing;
#   - built with the machine's Go into the project-local .tools/bin (gitignored), never onto the system:
#     the OCI distribution-spec conformance suite, crane and oras, each pinned to an exact version.
# A Go tool already built at its pinned version is skipped: .tools/bin/<tool>.version records what was built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN="$ROOT/.tools/bin"

# Debian packages (commands they install -> package).
missing=()
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ctr >/dev/null 2>&1 || missing+=(containerd)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null 2>&1 || { echo "Go is required to build the OCI test tools" >&2; exit 1; }
mkdir -p "$BIN"

# name, module path (the package whose binary is the tool), exact version.
TOOLS=(
  "conformance github.com/opencontainers/distribution-spec/conformance v0.0.0-20260831232431-97274622c111"
  "crane github.com/google/go-containerregistry/cmd/crane v0.22.1"
  "oras oras.land/oras/cmd/oras v1.3.6"
)

for entry in "${TOOLS[@]}"; do
  read -r name module version <<<"$entry"
  stamp="$BIN/$name.version"
  if [ -x "$BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    continue
  fi
  echo "Building $name ($module@$version)"
  # GOFLAGS=-buildvcs=false: the module is built outside any checkout, so there is no VCS to stamp.
  GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "$module@$version"
  echo "$module@$version" >"$stamp"
done
