import net from "node:net";

/**
 * Where the portal actually listens. Exposure is decided from the bound socket, not only from HOST: `next start`
 * without `-H` listens on every interface whatever HOST says.
 */
export interface Binding {
  readonly address: string;
  readonly port: number;
}

/** Whether `address` (an IP or a host name) is reachable only from this machine. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  if (a === "localhost" || a.endsWith(".localhost") || a === "::1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return net.isIPv4(v4) && v4.startsWith("127.");
}

/**
 * The listening HTTP server's address in this process (Next's `start` serves from the process that runs the
 * instrumentation hook), or undefined before it listens. `_getActiveHandles` is Node's view of open sockets.
 */
export function listeningAddress(port = process.env.PORT): Binding | undefined {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const servers = handles.filter((h): h is net.Server => h instanceof net.Server && h.listening);
  const addresses = servers.map((s) => s.address()).filter((a): a is net.AddressInfo => typeof a === "object" && !!a);
  const bound = addresses.find((a) => String(a.port) === port) ?? addresses[0];
  return bound && { address: bound.address, port: bound.port };
}
