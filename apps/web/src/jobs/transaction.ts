import { sql } from "drizzle-orm";
import { type DrizzleTransactionLike, fromDrizzle } from "pg-boss";

/**
 * A drizzle transaction as pg-boss's database, so `send` inserts the job in the transaction that writes its row:
 * both commit or neither does. (Drizzle's `execute` is typed loosely; it returns rows as pg-boss expects.)
 */
export function bossTransaction(tx: unknown) {
  return fromDrizzle(tx as DrizzleTransactionLike, sql);
}
