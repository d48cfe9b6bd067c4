/** Limits of the tRPC endpoint, shared with the client's batch link so that it never sends more. */
export const API_LIMITS = {
  /** Largest request body (JSON); recipes are a few hundred bytes. */
  bodyBytes: 1024 * 1024,
  /** Calls in one batched request. */
  batch: 10,
} as const;
