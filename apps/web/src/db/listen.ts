import pg from "pg";

/**
 * LISTEN on a dedicated connection that comes back by itself: a restarted PostgreSQL drops it, and until it is back
 * notifications are lost, so `onReconnect` tells the caller to re-read what it follows.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (attempt: number): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (n) => {
      if (n.channel === channel) onNotify(n.payload ?? "");
    });
    c.on("error", () => undefined);
    c.on("end", () => {
      if (stopped || client !== c) return;
      client = undefined;
      schedule(1);
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      client = c;
      if (attempt > 0) onReconnect?.();
    } catch {
      await c.end().catch(() => undefined);
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number) => {
    if (stopped) return;
    retry = setTimeout(() => void connect(attempt), Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
    retry.unref();
  };

  await connect(0);
  if (!client) {
    stopped = true;
    if (retry) clearTimeout(retry);
    throw new Error(`could not LISTEN on ${channel}`);
  }
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
