#!/usr/bin/env node
// Remove a photo's background with FapiHub's API using Node's built-in fetch, FormData and Blob (Node 20+; no
// packages to install).
//
//   BASE_URL=http://localhost:5080 API_KEY=fh_live_… node remove-background.mjs photo.jpg [result.png]
//
// BASE_URL defaults to http://localhost:5080. The key comes from the environment, not an argument, so it stays out of
// the shell history and the process list. Writes the PNG (default result.png), prints the request id and the
// remaining credits or quota; on an error prints the envelope's code and message and exits 1.

import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";

const [imagePath, outputPath = "result.png"] = process.argv.slice(2);
const baseUrl = (process.env.BASE_URL || "http://localhost:5080").replace(/\/+$/, "");
const apiKey = process.env.API_KEY;
if (!imagePath || !apiKey) {
  console.error("usage: BASE_URL=… API_KEY=… node remove-background.mjs IMAGE [OUTPUT]");
  process.exit(2);
}

// The same call as the README's curl: the photo as the multipart field "image", the key in the ApiKey header.
// FormData sets the multipart boundary itself, so no Content-Type header is given.
const form = new FormData();
form.append("image", new Blob([await readFile(imagePath)]), basename(imagePath));

let response;
try {
  response = await fetch(`${baseUrl}/v2/rembg/`, {
    method: "POST",
    headers: { ApiKey: apiKey },
    body: form,
    signal: AbortSignal.timeout(120_000), // inference on a CPU takes seconds; a dead server should not hang us
  });
} catch (error) {
  console.error(`Could not reach ${baseUrl}: ${error.cause?.message ?? error.message}`);
  process.exit(1);
}

console.log(`X-Request-Id: ${response.headers.get("X-Request-Id") ?? ""}`);
if (!response.ok) {
  const text = await response.text();
  let code = "unknown";
  let message = text;
  let retryAfter = response.headers.get("Retry-After");
  try {
    const { error } = JSON.parse(text);
    code = error.code ?? code;
    message = error.message ?? message;
    retryAfter = error.retry_after ?? retryAfter;
  } catch {
    // Not FapiHub's envelope (a proxy's error page, say): show the body as it is.
  }
  console.error(`Error ${response.status} ${code}: ${message}`);
  if (retryAfter !== null && retryAfter !== undefined) {
    console.error(`Retry after ${retryAfter} s.`);
  }
  process.exit(1);
}

await writeFile(outputPath, Buffer.from(await response.arrayBuffer()));
for (const name of ["X-Credits-Remaining", "X-Quota-Remaining", "X-RateLimit-Remaining"]) {
  if (response.headers.has(name)) {
    console.log(`${name}: ${response.headers.get(name)}`);
  }
}
console.log(`Wrote ${outputPath}`);
