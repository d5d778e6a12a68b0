#!/usr/bin/env bash
# The whole test suite, as CI runs it. Provisions what the tests need (a Python virtualenv with
# the pinned moto emulator, started on a free loopback port and seeded with the demo account) and
# never lets a credential chain reach a cloud: every variable below points the SDKs away from
# real endpoints and metadata addresses.
set -euo pipefail
cd "$(dirname "$0")/.."

export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export GCE_METADATA_HOST=127.0.0.1:9 GCE_METADATA_IP=127.0.0.1:9
export IDENTITY_ENDPOINT=http://127.0.0.1:9/msi/token IDENTITY_HEADER=unused
export KUBECONFIG=/dev/null
unset NO_COLOR WISCAN_NOW WISCAN_UPDATE AWS_ENDPOINT_URL

# Compile everything first (the longest step), so the emulator is not left idling through it.
# Both builds are checked: the default one (every live client) and the offline-only one the
# README's first command uses, so neither rots.
cargo fmt --all -- --check
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked --no-default-features --all-targets -- -D warnings
cargo test --locked --benches --no-run   # the benchmark compiles in the test profile, sharing the build
cargo test --locked --lib --test integration --no-run
cargo test --locked --no-default-features --lib --test integration --no-run

# Graphviz, for the test that renders `wiscan map --format dot` (Debian's package).
if ! command -v dot >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends graphviz >/dev/null
fi
export WISCAN_REQUIRE_DOT=1

# The offline-only build: every offline input, rule and report, and live flags refused by name.
cargo test --locked --no-default-features --lib --test integration

# What users run wiscan with: the Action, the Dockerfile, the Kubernetes manifests.
bash tests/deploy/check.sh target/debug/wiscan

# The moto emulator, pinned (tests/fakes/requirements.txt), in a virtualenv kept between runs.
VENV=.ci/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import moto' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/fakes/requirements.txt
fi

STATE_DIR="$(mktemp -d)"
STATE="$STATE_DIR/fakes.json"
"$VENV/bin/python" tests/fakes/fakes.py --state "$STATE" > "$STATE_DIR/fakes.log" 2>&1 &
FAKES_PID=$!
trap 'kill "$FAKES_PID" 2>/dev/null || true; wait "$FAKES_PID" 2>/dev/null || true; rm -rf "$STATE_DIR"' EXIT
for _ in $(seq 1 300); do
  [ -s "$STATE" ] && break
  kill -0 "$FAKES_PID" 2>/dev/null || { cat "$STATE_DIR/fakes.log"; exit 1; }
  sleep 0.1
done
[ -s "$STATE" ] || { echo "the AWS fakes did not start"; cat "$STATE_DIR/fakes.log"; exit 1; }
AWS_PROXY="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["aws"])' "$STATE")"

# Seed moto with the demo account and dump its CLI outputs, for the live/offline parity test.
"$VENV/bin/python" tests/fakes/seed_demo.py --endpoint "$AWS_PROXY" --demo fixtures/demo/aws --dump "$STATE_DIR/demo-dump"
export FAKES_STATE="$STATE" FAKES_DEMO_DUMP="$STATE_DIR/demo-dump"

cargo test --locked --lib --test integration
