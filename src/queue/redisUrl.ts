/**
 * Where the job queue lives: a redis:// (or TLS rediss://) URL, user and password optional, a
 * database number as its path. The password never leaves this module in text meant for people:
 * every message shows the URL masked.
 */
import { InputError } from "../errors.js";

export interface RedisTarget {
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

/** Used when the flag is given without a URL, and keeps the password out of process listings. */
export const redisUrlVariable = "REDIS_URL";

/** --queue's value, or REDIS_URL when the flag came without one. */
export function queueTarget(flagValue: string, flag: string, env = process.env): RedisTarget {
  const text = flagValue === "" ? env[redisUrlVariable] : flagValue;
  if (text === undefined || text === "") {
    throw new InputError(
      `${flag}: give redis://[USER:PASSWORD@]HOST:PORT[/DB], or set ${redisUrlVariable} and pass ${flag} alone`,
    );
  }
  return parseRedisUrl(text, flagValue === "" ? redisUrlVariable : flag);
}

export function parseRedisUrl(text: string, where: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`${where}: not a URL (expected redis://[USER:PASSWORD@]HOST:PORT[/DB])`);
  }
  const masked = maskText(text, decodeURIComponent(url.password));
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new InputError(`${where}: ${masked} is not a redis:// or rediss:// URL`);
  }
  if (url.hostname === "") throw new InputError(`${where}: ${masked} names no host`);
  if (url.search !== "" || url.hash !== "") {
    throw new InputError(`${where}: ${masked} has a query or fragment (not understood)`);
  }
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, "");
  if (!/^\d{0,2}$/.test(dbText)) {
    throw new InputError(`${where}: ${masked}: the database must be a number (got "${dbText}")`);
  }
  return {
    tls: url.protocol === "rediss:",
    // [::1] comes back from URL with its brackets; the client wants the bare address
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    db: dbText === "" ? 0 : Number(dbText),
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
  };
}

/** "redis://alice:***@10.0.0.5:6379/2": what logs and errors may show. */
export function maskedUrl(target: RedisTarget): string {
  const user = target.username === undefined ? "" : encodeURIComponent(target.username);
  const auth = target.password === undefined ? (user === "" ? "" : `${user}@`) : `${user}:***@`;
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `${target.tls ? "rediss" : "redis"}://${auth}${host}:${target.port}/${target.db}`;
}

/** `text` with every occurrence of the password, raw or URL-encoded, replaced by ***. */
export function maskSecret(text: string, target: RedisTarget): string {
  return target.password === undefined ? text : maskText(text, target.password);
}

function maskText(text: string, password: string): string {
  if (password === "") return text;
  return [password, encodeURIComponent(password)].reduce(
    (masked, secret) => masked.split(secret).join("***"),
    text,
  );
}
