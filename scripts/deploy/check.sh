#!/usr/bin/env bash
# The deployment files' check (`make test-deploy`): docker-compose.yml against
# the Compose Specification's JSON schema (the copy check-jsonschema ships),
# every manifest in deploy/k8s/ against Kubernetes' schemas (kubernetes-validate,
# strict: an unknown field fails), then consistency.py: the files against the
# server's code and each other, and Compose's nginx against the template
# deploy/nginx/dreamseed.conf (with `nginx -t` when it can). Nothing is started.
#
# Environment: KUBERNETES_VERSION (1.30.0), the release validated against.
# Only PyPI is contacted, when the venv (target/deploy-venv) is first made or
# requirements.txt changed.

set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/deploy"
venv="$root/target/deploy-venv"
k8s_version=${KUBERNETES_VERSION:-1.30.0}

# The tools, pinned; reinstalled only when requirements.txt changes.
"$root/scripts/bin/pinned-venv" "$venv" "$here/requirements.txt" "deployment checks' tools"

cd "$root"
status=0
echo "docker-compose.yml: the Compose Specification (check-jsonschema vendor.compose-spec)"
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec docker-compose.yml || status=1

# kustomization.yaml is kustomize's, not an API object: consistency.py checks its list.
manifests=()
for file in deploy/k8s/*.yaml; do
  [ "$(basename "$file")" = kustomization.yaml ] || manifests+=("$file")
done
echo "deploy/k8s: ${#manifests[@]} manifests against Kubernetes $k8s_version, strict (kubernetes-validate)"
"$venv/bin/kubernetes-validate" --kubernetes-version "$k8s_version" --strict --quiet "${manifests[@]}" || status=1

echo "deployment files against the code and each other, nginx template (consistency.py)"
"$venv/bin/python" "$here/consistency.py" || status=1

if [ $status -eq 0 ]; then
  echo "Deployment files: every check passed."
else
  echo "Deployment files: checks failed (above)." >&2
fi
exit $status
