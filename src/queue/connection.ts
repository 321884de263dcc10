/** Client settings for a RedisTarget, and a quick check that the server answers. */
import { Redis } from "ioredis";
import { InputError } from "../errors.js";
import { maskedUrl, maskSecret, type RedisTarget } from "./redisUrl.js";

/** What BullMQ's clients connect with: workers block on Redis, so requests must not time out. */
export function connectionOptions(target: RedisTarget) {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    username: target.username,
    password: target.password,
    tls: target.tls ? {} : undefined,
    maxRetriesPerRequest: null as null,
  };
}

/**
 * Connects once, authenticates and pings; a server that does not answer within `timeoutMs` or
 * refuses the credentials is an InputError naming the masked URL, not a client retrying forever.
 */
export async function checkReachable(target: RedisTarget, flag: string, timeoutMs = 5_000) {
  const client = new Redis({
    ...connectionOptions(target),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // reported below, from connect() or ping()
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = maskSecret((error as Error).message, target);
    throw new InputError(`${flag}: cannot use ${maskedUrl(target)} (${reason})`);
  } finally {
    client.disconnect();
  }
}
