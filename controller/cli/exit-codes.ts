// Exit codes every command uses: 0 done, 1 failed, 2 a diff was found, 3 bad input (nothing touched).
export const EXIT = { ok: 0, failed: 1, diffFound: 2, badInput: 3 } as const;
