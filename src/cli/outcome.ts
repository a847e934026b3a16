/** Exit codes of SPEC section 5. */
export const EXIT = { ok: 0, wrongAnswer: 1, usage: 2, internal: 3 } as const;

/** What a command that does not throw ends with: `check` sets it when an answer is wrong. */
export const outcome = { code: EXIT.ok as number };
