import { loadEnv } from "@/env";
import { isLoopback, listeningAddress } from "./binding";

/**
 * The start-up rule that cannot be bypassed: a portal reachable from other machines must have a team token. Run
 * from the instrumentation hook, which Next runs once the socket is bound and before any request is handled; the
 * address checked is the one actually bound (`next start` without `-H` binds every interface), not just HOST.
 * Returns the problem after calling `exit(1)`, or undefined when the portal may serve.
 */
export function enforceExposureRules(
  env: Record<string, string | undefined> = process.env,
  exit: (code: number) => void = process.exit,
): string | undefined {
  const bound = listeningAddress(env.PORT);
  // Everything that reads HOST later (loadEnv's `exposed`) sees the real address.
  if (bound) env.HOST = bound.address;
  const problem = exposureProblem(env);
  if (problem) {
    console.error(`Diffusion Studio will not start: ${problem}`);
    exit(1);
  }
  return problem;
}

function exposureProblem(env: Record<string, string | undefined>): string | undefined {
  try {
    const { HOST, TEAM_TOKEN } = loadEnv(env);
    if (!isLoopback(HOST) && !TEAM_TOKEN)
      return `it listens on ${HOST}, which other machines can reach: set TEAM_TOKEN (16+ characters) or HOST=127.0.0.1`;
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
