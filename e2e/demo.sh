#!/usr/bin/env bash
# `npm run demo`: the main job on this machine. Brings the local infrastructure up (a real
# Kubernetes control plane with kwok nodes, helm, Ironic with fake hardware), then applies
# the example site `lab` from site-manifests/ with live progress, then applies it again to
# show that an unchanged site does nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

site=${1:-lab}
[[ -f dist/controller/cli/main.js ]] || npm run build
bash e2e/infra.sh up
# shellcheck disable=SC1091
source e2e/.state/env

echo
echo "== slipway plan site-manifests --site $site"
node dist/controller/cli/main.js plan site-manifests --site "$site"
echo
echo "== slipway apply site-manifests --site $site"
node dist/controller/cli/main.js apply site-manifests --site "$site"
echo
echo "== slipway diff site-manifests --site $site (nothing should change)"
node dist/controller/cli/main.js diff site-manifests --site "$site"
echo
echo "Releases on the cluster:"
"${HELM:-helm}" list -A
echo "Stop the infrastructure with: npm run infra:down"
