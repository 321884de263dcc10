import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskedUrl, maskSecret, parseRedisUrl, queueTarget } from "../../src/queue/redisUrl.js";

describe("redis URLs", () => {
  it("reads host, port, database, user and password; the port defaults to 6379", () => {
    expect(parseRedisUrl("redis://alice:s%40cret@10.0.0.5:6380/2", "--queue")).toEqual({
      tls: false,
      host: "10.0.0.5",
      port: 6380,
      db: 2,
      username: "alice",
      password: "s@cret",
    });
    expect(parseRedisUrl("rediss://[::1]", "--queue")).toEqual({
      tls: true,
      host: "::1",
      port: 6379,
      db: 0,
      username: undefined,
      password: undefined,
    });
  });

  it("masks the password, and only the password", () => {
    const target = parseRedisUrl("redis://alice:s%40cret@db.lan:6380/2", "--queue");
    expect(maskedUrl(target)).toBe("redis://alice:***@db.lan:6380/2");
    expect(maskedUrl(parseRedisUrl("redis://:pw@h:1", "x"))).toBe("redis://:***@h:1/0");
    expect(maskedUrl(parseRedisUrl("redis://[::1]:7000", "x"))).toBe("redis://[::1]:7000/0");
    expect(maskSecret("auth s@cret / s%40cret failed", target)).toBe("auth *** / *** failed");
  });

  it("no password ever shows in a masked URL or a refusal", () => {
    fc.assert(
      fc.property(
        // digits and sub-delimiters, 8 or more: no run of the messages' own text
        fc.stringMatching(/^[0-9!$&()+,;=]{8,20}$/),
        fc.constantFrom("6379/0", "6379/x", "99999", "6379?a=1"),
        (password, rest) => {
          const text = `redis://u:${encodeURIComponent(password)}@host:${rest}`;
          let shown: string;
          try {
            shown = maskedUrl(parseRedisUrl(text, "--queue"));
          } catch (error) {
            shown = (error as Error).message;
          }
          expect(shown).not.toContain(encodeURIComponent(password));
          expect(shown).not.toContain(password);
        },
      ),
    );
  });

  it("--queue alone reads REDIS_URL; neither is a one-line refusal", () => {
    const env = { REDIS_URL: "redis://:pw@cache:6379/1" };
    expect(queueTarget("", "--queue", env)).toMatchObject({ host: "cache", db: 1, password: "pw" });
    expect(() => queueTarget("", "--queue", {})).toThrow(
      /^--queue: give redis:\/\/\[USER:PASSWORD@\]HOST:PORT\[\/DB\], or set REDIS_URL/,
    );
  });

  it("refuses what is not a redis URL, naming the flag", () => {
    const bad: [string, RegExp][] = [
      ["localhost:6379", /--queue: localhost:6379 is not a redis:\/\/ or rediss:\/\/ URL/],
      ["http://h:1", /is not a redis:\/\/ or rediss:\/\/ URL/],
      ["redis://:pw@h:1/db", /--queue: redis:\/\/:\*\*\*@h:1\/db: the database must be a number/],
      ["redis://h:1/0?password=x", /has a query or fragment/],
      ["redis://", /names no host|not a URL/],
    ];
    for (const [text, message] of bad)
      expect(() => parseRedisUrl(text, "--queue")).toThrow(message);
  });
});
