// A benchmark that creates things on the cluster removes them when it is interrupted too:
// SIGINT or SIGTERM runs the clean-up once, then the process exits 130.

/** Runs `cleanup` on the first SIGINT/SIGTERM, then exits 130; the returned function stops listening. */
export function cleanUpOnSignal(label: string, cleanup: () => Promise<unknown>): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`${label}: ${signal}, removing what this run created`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
