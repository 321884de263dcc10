import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { InputError } from "../errors.js";
import { unpackTarball } from "./tarball.js";

/** A data set published as one .tar.gz, with the files it must unpack to. */
export interface DatasetArchive {
  url: string;
  md5: string;
  files: string[];
}

/** The official archives (checksums as published next to them). */
export const datasetArchives: Record<string, DatasetArchive> = {
  cifar10: {
    url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
    md5: "c32a1d4ab5d03f1284b67883e8d87530",
    files: [1, 2, 3, 4, 5]
      .map((batch) => `data_batch_${batch}.bin`)
      .concat("test_batch.bin", "batches.meta.txt"),
  },
};

/**
 * Bytes received so far (a resumed download starts at what was already on disk) and the total,
 * when the server says.
 */
export type DownloadProgress = (receivedBytes: number, totalBytes: number | undefined) => void;

export interface FetchOptions {
  url: string;
  md5: string;
  dir: string;
  /** Files the unpacked archive must hold; when all are already in `dir`, nothing is downloaded. */
  files?: string[];
  force?: boolean;
  onProgress?: DownloadProgress;
}

export interface FetchResult {
  dir: string;
  /** Names unpacked into `dir`; empty when the data set was already there. */
  files: string[];
  alreadyPresent: boolean;
  /** Archive size in bytes, and where this run's download started (non-zero after a resume). */
  archiveBytes: number;
  resumedFrom: number;
}

/**
 * Downloads a .tar.gz into `dir` (as `NAME.part`, so an interrupted download resumes with a Range
 * request on the next call), checks its MD5, unpacks it into `dir` and deletes it. Network
 * trouble and a wrong checksum are InputErrors; a wrong checksum also deletes the download.
 */
export async function fetchDataset(options: FetchOptions): Promise<FetchResult> {
  const { url, md5, dir, files = [] } = options;
  if (!options.force && files.length > 0 && files.every((name) => existsSync(join(dir, name)))) {
    return { dir, files: [], alreadyPresent: true, archiveBytes: 0, resumedFrom: 0 };
  }
  const part = join(dir, `${archiveName(url)}.part`);
  const { resumedFrom, bytes } = await download(url, part, options.onProgress);
  await verifyMd5(part, url, md5);
  const unpacked = await unpackTarball(part, dir);
  await rm(part);
  const missing = files.filter((name) => !unpacked.includes(name));
  if (missing.length > 0) {
    throw new InputError(`${url}: the archive lacks ${missing.join(", ")}`);
  }
  return { dir, files: unpacked, alreadyPresent: false, archiveBytes: bytes, resumedFrom };
}

function archiveName(url: string): string {
  if (!URL.canParse(url)) throw new InputError(`"${url}" is not a URL`);
  return basename(new URL(url).pathname) || "download";
}

async function download(url: string, part: string, onProgress?: DownloadProgress) {
  const have = existsSync(part) ? statSync(part).size : 0;
  const response = await request(url, have);
  if (response.status === 416 && have > 0) {
    // A previous run got every byte but stopped before the checksum: the file may be whole.
    await response.body?.cancel();
    if (rangeTotal(response) === have) return { resumedFrom: have, bytes: have };
    await rm(part);
    return download(url, part, onProgress);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new InputError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  if (response.status === 206 && rangeStart(response) !== have) {
    await response.body.cancel();
    await rm(part);
    return download(url, part, onProgress);
  }
  // A server that ignores Range answers 200 with the whole file: that starts again from byte 0.
  const offset = response.status === 206 ? have : 0;
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  const total = Number.isFinite(length) ? offset + length : undefined;
  const received = await save(response.body, part, offset, url, (bytes) =>
    onProgress?.(bytes, total),
  );
  return { resumedFrom: offset, bytes: received };
}

async function request(url: string, have: number): Promise<Response> {
  // identity: a server must not gzip the bytes again, or the checksum would not match.
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  if (have > 0) headers.range = `bytes=${have}-`;
  try {
    return await fetch(url, { headers });
  } catch (error) {
    throw new InputError(`cannot reach ${url}: ${reason(error)}`);
  }
}

/**
 * Writes the body to `part` from `offset` on and returns the file's size when the body ends. Each
 * chunk is on disk before the next is read, so a broken connection keeps every byte received.
 */
async function save(
  body: NonNullable<Response["body"]>,
  part: string,
  offset: number,
  url: string,
  onBytes: (bytes: number) => void,
): Promise<number> {
  let received = offset;
  onBytes(received);
  await mkdir(dirname(part), { recursive: true });
  const file = await open(part, offset > 0 ? "a" : "w");
  try {
    for await (const chunk of Readable.fromWeb(body as ReadableStream<Uint8Array>)) {
      await file.write(chunk);
      received += chunk.length;
      onBytes(received);
    }
  } catch (error) {
    throw new InputError(
      `download of ${url} stopped after ${received} bytes (${reason(error)}); run the same command again to resume`,
    );
  } finally {
    await file.close();
  }
  return received;
}

async function verifyMd5(part: string, url: string, expected: string): Promise<void> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(part)) hash.update(chunk);
  const actual = hash.digest("hex");
  if (actual !== expected.toLowerCase()) {
    await rm(part);
    throw new InputError(
      `${url}: checksum mismatch (expected md5 ${expected}, got ${actual}); the download was deleted`,
    );
  }
}

/** "bytes 100-199/200" → 100. */
function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The archive's size after the slash of Content-Range ("bytes 100-199/200" → 200; a 416 too). */
function rangeTotal(response: Response): number | undefined {
  const match = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** fetch hides the system's reason (ENOTFOUND, ECONNREFUSED, "other side closed") in `cause`. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause ?? {};
  if (cause.code?.startsWith("E")) return cause.code;
  return cause.message || cause.code || (error as Error).message || String(error);
}
