#!/usr/bin/env bash
# `npm run demo`: the main job on this machine. Brings the local infrastructure up (a kind
# cluster on Docker Engine whose pods run real containers, or the local control plane with
# kwok nodes where Docker cannot run; helm; Ironic with fake hardware), then applies the
# example site `lab` from site-manifests/ with live progress, applies it again to show that
# an unchanged site does nothing, and checks that every Deployment is Available and that no
# node went NotReady while the site was applied.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

site=${1:-lab}
npm run --silent build
bash e2e/infra.sh up
# shellcheck disable=SC1091
source e2e/.state/env
kubectl_() { "$KUBECTL" --kubeconfig "$KUBECONFIG" "$@"; }

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo
echo "== slipway plan site-manifests --site $site"
npx slipway plan site-manifests --site "$site"
echo
echo "== slipway apply site-manifests --site $site"
npx slipway apply site-manifests --site "$site"
echo
echo "== slipway diff site-manifests --site $site (nothing should change)"
npx slipway diff site-manifests --site "$site"
echo
echo "== what the cluster has ($SLIPWAY_E2E_CLUSTER cluster)"
kubectl_ get deploy,pods -A -o wide
echo
"$HELM" list -A

# Every Deployment of the site is Available; no node changed its Ready condition meanwhile.
kubectl_ wait --for=condition=Available deployment --all -A --timeout=180s >/dev/null \
  || { echo "ERROR: a Deployment is not Available (see above)" >&2; exit 1; }
flapped=$(kubectl_ get nodes -o json | node -e '
  const started = Date.parse(process.argv[1]);
  const nodes = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
  for (const n of nodes) {
    const ready = n.status.conditions.find((c) => c.type === "Ready");
    if (ready?.status !== "True" || Date.parse(ready.lastTransitionTime) > started) console.log(n.metadata.name);
  }' "$started")
[[ -z $flapped ]] || { echo "ERROR: node(s) changed Ready during the demo: $flapped" >&2; exit 1; }
echo
echo "Every Deployment is Available; no node went NotReady. Stop the infrastructure with: npm run infra:down"
