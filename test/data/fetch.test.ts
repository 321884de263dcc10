import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { c as createTar } from "tar";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { datasetArchives, fetchDataset } from "../../src/data/fetch.js";
import { InputError } from "../../src/errors.js";
import { projectRoot } from "../../src/projectRoot.js";

const recordBytes = 1 + 32 * 32 * 3;
const cifarFiles = datasetArchives.cifar10.files;

/** Small batches in CIFAR's binary layout (label byte + 3072 pixel bytes), random so gzip cannot shrink them. */
function buildArchive(root: string): { archive: Buffer; contents: Map<string, Buffer> } {
  const folder = join(root, "cifar-10-batches-bin");
  mkdirSync(folder, { recursive: true });
  const contents = new Map<string, Buffer>();
  for (const name of cifarFiles) {
    const bytes = name.endsWith(".txt")
      ? Buffer.from("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n")
      : randomBytes(4 * recordBytes);
    writeFileSync(join(folder, name), bytes);
    contents.set(name, bytes);
  }
  const file = join(root, "cifar.tar.gz");
  createTar({ gzip: true, file, cwd: root, sync: true }, ["cifar-10-batches-bin"]);
  return { archive: readFileSync(file), contents };
}

/**
 * Serves the archive at /cifar-10-binary.tar.gz and logs each request's Range header. Answers
 * ranges with 206 (416 past the end) unless `ignoreRange`; `cutAfter` makes the next response die
 * after that many bytes.
 */
function archiveServer(archive: Buffer) {
  const log: { range: string | undefined }[] = [];
  const behaviour: { cutAfter?: number; ignoreRange?: boolean } = {};
  const server: Server = createServer((request, response) => {
    log.push({ range: request.headers.range });
    if (!request.url?.endsWith("/cifar-10-binary.tar.gz")) return response.writeHead(404).end();
    const match = behaviour.ignoreRange ? null : /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const start = match ? Number(match[1]) : 0;
    if (start >= archive.length) {
      return response.writeHead(416, { "content-range": `bytes */${archive.length}` }).end();
    }
    const body = archive.subarray(start);
    const headers = { "content-type": "application/gzip", "content-length": body.length };
    if (match) {
      const range = `bytes ${start}-${archive.length - 1}/${archive.length}`;
      response.writeHead(206, { ...headers, "content-range": range });
    } else response.writeHead(200, headers);
    if (behaviour.cutAfter === undefined) return response.end(body);
    // The pause lets the client read the bytes first: fetch drops what it has queued on an error.
    response.write(body.subarray(0, behaviour.cutAfter), () => {
      setTimeout(() => response.socket?.destroy(), 50);
    });
    behaviour.cutAfter = undefined;
  });
  return { server, log, behaviour };
}

const execFileAsync = promisify(execFile);
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

describe("fetchDataset", () => {
  const root = mkdtempSync(join(tmpdir(), "uboost-fetch-"));
  const { archive, contents } = buildArchive(root);
  const served = archiveServer(archive);
  let url: string;
  let dir: string;
  let run = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => served.server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(served.server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
  });
  afterAll(() => {
    served.server.closeAllConnections();
    served.server.close();
  });
  beforeEach(() => {
    served.log.length = 0;
    served.behaviour.ignoreRange = false;
    dir = join(root, `out-${run++}`);
  });

  function expectUnpacked(target: string) {
    expect(readdirSync(target).sort()).toEqual([...cifarFiles].sort());
    for (const [name, bytes] of contents) expect(readFileSync(join(target, name))).toEqual(bytes);
  }

  it("downloads, verifies and unpacks the batches directly into the folder", async () => {
    const progress: [number, number | undefined][] = [];
    const result = await fetchDataset({
      url,
      md5: md5(archive),
      dir,
      files: cifarFiles,
      onProgress: (received, total) => progress.push([received, total]),
    });
    expect(result).toMatchObject({ alreadyPresent: false, archiveBytes: archive.length });
    expect(result.files.sort()).toEqual([...cifarFiles].sort());
    expectUnpacked(dir);
    expect(progress.at(-1)).toEqual([archive.length, archive.length]);
    expect(served.log).toEqual([{ range: undefined }]);

    const again = await fetchDataset({ url, md5: md5(archive), dir, files: cifarFiles });
    expect(again.alreadyPresent).toBe(true);
    expect(served.log).toHaveLength(1);
  });

  it("resumes an interrupted download with a Range request", async () => {
    const cut = Math.floor(archive.length / 3);
    served.behaviour.cutAfter = cut;
    const options = { url, md5: md5(archive), dir, files: cifarFiles };
    await expect(fetchDataset(options)).rejects.toThrow(/run the same command again to resume/);
    expect(readdirSync(dir)).toEqual(["cifar-10-binary.tar.gz.part"]);

    const result = await fetchDataset(options);
    expect(served.log[1].range).toMatch(/^bytes=\d+-$/);
    const resumedFrom = Number(/\d+/.exec(served.log[1].range ?? "")?.[0]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(cut);
    expect(result.resumedFrom).toBe(resumedFrom);
    expectUnpacked(dir);
  });

  it("checks a complete leftover download without fetching it again (416)", async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, "cifar-10-binary.tar.gz.part"), archive);
    const result = await fetchDataset({ url, md5: md5(archive), dir, files: cifarFiles });
    expect(served.log).toEqual([{ range: `bytes=${archive.length}-` }]);
    expect(result.resumedFrom).toBe(archive.length);
    expectUnpacked(dir);
  });

  it("starts again from byte 0 when the server ignores the Range header", async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, "cifar-10-binary.tar.gz.part"), Buffer.from("stale bytes"));
    served.behaviour.ignoreRange = true;
    const result = await fetchDataset({ url, md5: md5(archive), dir, files: cifarFiles });
    expect(served.log).toEqual([{ range: "bytes=11-" }]);
    expect(result.resumedFrom).toBe(0);
    expectUnpacked(dir);
  });

  it("rejects a wrong checksum, naming both hashes, and leaves no files", async () => {
    const wrong = "0".repeat(32);
    const attempt = fetchDataset({ url, md5: wrong, dir, files: cifarFiles });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      `${url}: checksum mismatch (expected md5 ${wrong}, got ${md5(archive)})`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("turns an unreachable server and an HTTP error into one-line InputErrors", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = `http://127.0.0.1:${port}/x.tar.gz`;
    await expect(fetchDataset({ url: unreachable, md5: md5(archive), dir })).rejects.toThrow(
      new InputError(`cannot reach ${unreachable}: ECONNREFUSED`),
    );
    const missing = url.replace("cifar-10-binary", "nothing-here");
    await expect(fetchDataset({ url: missing, md5: md5(archive), dir })).rejects.toThrow(
      new InputError(`cannot download ${missing}: HTTP 404 Not Found`),
    );
    expect(existsSync(dir)).toBe(false);
  });

  it("runs end to end from the CLI", async () => {
    const cli = join(projectRoot(), "dist/src/cli/main.js");
    const { stdout } = await execFileAsync(
      process.execPath,
      [cli, "data", "fetch", "cifar10", "--dir", dir, "--url", url, "--md5", md5(archive)],
      { encoding: "utf8" },
    );
    expect(stdout).toContain(`cifar10: ${cifarFiles.length} files in ${dir}`);
    expectUnpacked(dir);

    const failure = await execFileAsync(
      process.execPath,
      [
        cli,
        "data",
        "fetch",
        "cifar10",
        "--dir",
        join(root, "cli-bad"),
        "--url",
        url,
        "--md5",
        "1".repeat(32),
        "--force",
      ],
      { encoding: "utf8" },
    ).catch((error) => error);
    expect(failure.code).toBe(2);
    // off a terminal the download's progress comes first, as whole lines; the error is the last
    const lines = failure.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^uboost: .*checksum mismatch/);
    expect(lines.slice(0, -1).every((line: string) => !line.startsWith("uboost:"))).toBe(true);
    expect(failure.stderr).not.toMatch(/\r/);
  });
});
