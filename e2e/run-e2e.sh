#!/usr/bin/env bash
# `npm run test:e2e`: bring the local infrastructure up when it is not, then run the
# end-to-end suite. The infrastructure is left running for the next run; stop it with
# `npm run infra:down`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! bash e2e/infra.sh status >/dev/null 2>&1; then
  echo "[e2e] infrastructure not up: bringing it up (bash e2e/infra.sh up)"
  bash e2e/infra.sh up
fi
mkdir -p e2e/.state
results=e2e/.state/e2e-results.json
rm -f "$results"
rc=0
npx vitest run --config e2e/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json="$results" "$@" || rc=$?
# A plain closing line for CI logs: "e2e: N passed, N failed[, N skipped]".
if [[ -f $results ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`e2e: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$results"
fi
exit $rc
