/**
 * Appends a stream of bytes to a file past the page cache (O_DIRECT): whole 4 KiB blocks written
 * in order from an aligned staging buffer, the last partial block held back until more bytes
 * come or the file is closed.
 *
 * Why: a sweep's CSV is hundreds of MB that the sweep never reads back. On the dev machine (a
 * Firecracker VM whose free memory goes back to the host) every page-cache page of a new file
 * costs a host fault on first touch: a plain 625 MB write took 1.3-1.9 s of kernel time on the
 * writing core, the same bytes through O_DIRECT ~0.05 s (the device's 0.45-0.7 s is waiting,
 * not a busy core). On a machine with a slow disk this trades that CPU for the disk's speed.
 *
 * The file on disk is always a prefix of the bytes appended: blocks go out one at a time in file
 * order, so a killed run leaves whole blocks (the last line perhaps cut, as a crash leaves it),
 * never a gap of zeros. Where the filesystem refuses O_DIRECT (tmpfs before Linux 6.6, some
 * network filesystems, other systems than Linux) or takes no alignment of the staging buffer,
 * the bytes go out with ordinary appends instead.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from "node:fs";

export interface FileAppender {
  /** appends `bytes` (copied or written before it returns: the caller may reuse them at once) */
  append(bytes: Uint8Array): void;
  /** writes the held-back tail and closes the file */
  close(): void;
  /** whether the bytes go past the page cache (false: ordinary appends) */
  readonly direct: boolean;
}

/** A multiple of every logical block size in use (512 and 4096), and of the file offsets O_DIRECT takes. */
const blockBytes = 4096;
export interface AppenderOptions {
  /** false: ordinary appends */
  direct?: boolean;
  /** the staging buffer's size, a multiple of 4096: 16 MB, as a CSV chunk's text is ~10 MB */
  stagingBytes?: number;
}

/** Opens `path` (created when missing) for appending. */
export function openAppender(path: string, options: AppenderOptions = {}): FileAppender {
  const direct =
    options.direct === false ? undefined : openDirect(path, options.stagingBytes ?? 16 << 20);
  return direct ?? plainAppender(path);
}

function plainAppender(path: string): FileAppender {
  const fd = openSync(path, "a");
  return {
    direct: false,
    append: (bytes) => writeAllAt(fd, bytes, bytes.length, null),
    close: () => closeSync(fd),
  };
}

function openDirect(path: string, stagingBytes: number): FileAppender | undefined {
  if (!(stagingBytes > 0 && stagingBytes % blockBytes === 0))
    throw new Error(
      `openAppender: stagingBytes ${stagingBytes} is not a multiple of ${blockBytes}`,
    );
  if (constants.O_DIRECT === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT, 0o666);
  } catch (error) {
    if (refusesDirect(error)) return undefined;
    throw error;
  }
  const size = fstatSync(fd).size;
  // the file offset of the staging buffer's first byte: blocks are written from there on
  let blockAt = size - (size % blockBytes);
  // Until the first whole block is ready, the bytes from blockAt (the file's own partial last
  // block, then appended ones) wait here, and the staging buffer's alignment is unknown.
  let early = readRange(path, blockAt, size);
  const raw = new Uint8Array(stagingBytes + blockBytes);
  let staging: Uint8Array | undefined;
  let held = 0;
  // set when O_DIRECT turned out not to work: the rest goes out by ordinary appends
  let plain: FileAppender | undefined;

  const appendBlocks = (bytes: Uint8Array) => {
    const buffer = staging as Uint8Array;
    for (let from = 0; from < bytes.length; ) {
      const take = Math.min(stagingBytes - held, bytes.length - from);
      buffer.set(bytes.subarray(from, from + take), held);
      from += take;
      held += take;
      const whole = held - (held % blockBytes);
      if (whole === 0) continue;
      writeAllAt(fd, buffer, whole, blockAt);
      blockAt += whole;
      buffer.copyWithin(0, whole, held);
      held -= whole;
    }
  };

  return {
    get direct() {
      return plain === undefined;
    },
    append(bytes) {
      if (plain !== undefined) return plain.append(bytes);
      if (staging === undefined) {
        const gathered = concat(early, bytes);
        if (gathered.length < blockBytes) {
          early = gathered === bytes ? bytes.slice() : gathered;
          return;
        }
        staging = alignedStaging(fd, raw, stagingBytes, gathered, blockAt);
        if (staging === undefined) {
          closeSync(fd);
          plain = plainAppender(path);
          plain.append(gathered.subarray(size - blockAt));
          return;
        }
        early = new Uint8Array(0);
        appendBlocks(gathered);
        return;
      }
      appendBlocks(bytes);
    },
    close() {
      if (plain !== undefined) return plain.close();
      closeSync(fd);
      const tail = staging === undefined ? early : staging.subarray(0, held);
      if (tail.length === 0) return;
      // the last partial block through the page cache: O_DIRECT writes whole blocks only
      const tailFd = openSync(path, "r+");
      try {
        writeAllAt(tailFd, tail, tail.length, blockAt);
      } finally {
        closeSync(tailFd);
      }
    },
  };
}

/**
 * The view of `raw` the device takes O_DIRECT writes from, found by writing the file's next
 * block (the first of `bytes`, at `blockAt`) from each 16-byte step of raw's first block until
 * one is accepted: JavaScript cannot see an address, and malloc aligns to 16. A refused write
 * (EINVAL) writes nothing; the accepted one is rewritten with the same bytes next. Undefined
 * when none is accepted.
 */
function alignedStaging(
  fd: number,
  raw: Uint8Array,
  stagingBytes: number,
  bytes: Uint8Array,
  blockAt: number,
): Uint8Array | undefined {
  for (let offset = 0; offset < blockBytes; offset += 16) {
    const view = raw.subarray(offset, offset + stagingBytes);
    view.set(bytes.subarray(0, blockBytes));
    try {
      writeAllAt(fd, view, blockBytes, blockAt);
      return view;
    } catch (error) {
      if (!refusesDirect(error)) throw error;
    }
  }
  return undefined;
}

/** A filesystem's answer to O_DIRECT it does not do: EINVAL (Linux's), or not supported. */
function refusesDirect(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EINVAL" || code === "EOPNOTSUPP" || code === "ENOTSUP";
}

/** Writes bytes[0, length) at `position` (null: the file's end, for "a"). */
function writeAllAt(fd: number, bytes: Uint8Array, length: number, position: number | null) {
  for (let written = 0; written < length; ) {
    written += writeSync(
      fd,
      bytes,
      written,
      length - written,
      position === null ? null : position + written,
    );
  }
}

/** The file's bytes [start, end), read through the page cache. */
function readRange(path: string, start: number, end: number): Uint8Array {
  const bytes = new Uint8Array(end - start);
  if (bytes.length === 0) return bytes;
  const fd = openSync(path, "r");
  try {
    for (let read = 0; read < bytes.length; ) {
      const got = readSync(fd, bytes, read, bytes.length - read, start + read);
      if (got === 0) throw new Error(`${path}: ended before byte ${end}`);
      read += got;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (first.length === 0) return second;
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first);
  joined.set(second, first.length);
  return joined;
}
