// Remove a photo's background with FapiHub's API from TypeScript, typed end to end: the paths, the multipart form, the
// responses and the error envelope all come from types generated from docs/openapi.json (openapi-typescript), and the
// calls go through openapi-fetch, so a call the document does not describe does not compile.
//
//   npm ci && npm run build
//   BASE_URL=http://localhost:5080 API_KEY=fh_live_… node dist/remove-background.js photo.jpg [result.png]
//
// BASE_URL defaults to http://localhost:5080. The key comes from the environment, not an argument, so it stays out of
// the shell history and the process list. Writes the PNG (default result.png), prints the request id and the remaining
// credits or quota, then the key's usage (GET /v2/usage); on an error prints the envelope's code and message and exits 1.

import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/fapihub.js";

type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];
type RemoveBackgroundForm = paths["/v2/rembg/"]["post"]["requestBody"]["content"]["multipart/form-data"];

const [imagePath, outputPath = "result.png"] = process.argv.slice(2);
const baseUrl = (process.env["BASE_URL"] || "http://localhost:5080").replace(/\/+$/, "");
const apiKey = process.env["API_KEY"];
if (!imagePath || !apiKey) {
  console.error("usage: BASE_URL=… API_KEY=… node dist/remove-background.js IMAGE [OUTPUT]");
  process.exit(2);
}

const client = createClient<paths>({ baseUrl, headers: { ApiKey: apiKey } });

// The form, checked against the document: `image` is required and a Blob (format: binary), `model` and `format` are
// the documented enums. Omitted fields take the server's defaults.
const form: RemoveBackgroundForm = { image: new Blob([await readFile(imagePath)]), format: "png" };

let cutout;
try {
  cutout = await client.POST("/v2/rembg/", {
    body: form,
    // openapi-fetch sends JSON unless told otherwise; FormData makes fetch write the multipart body and its boundary.
    bodySerializer: (fields) => toFormData(fields, basename(imagePath)),
    parseAs: "arrayBuffer",
    signal: AbortSignal.timeout(120_000), // inference on a CPU takes seconds; a dead server should not hang us
  });
} catch (error) {
  unreachable(error);
}

console.log(`X-Request-Id: ${cutout.response.headers.get("X-Request-Id") ?? ""}`);
if (cutout.error !== undefined) {
  fail(cutout.response, cutout.error);
}

await writeFile(outputPath, Buffer.from(cutout.data));
for (const name of ["X-Credits-Remaining", "X-Quota-Remaining", "X-RateLimit-Remaining"]) {
  const value = cutout.response.headers.get(name);
  if (value !== null) {
    console.log(`${name}: ${value}`);
  }
}
console.log(`Wrote ${outputPath}`);

// What the key has used and has left; free, and not rate-limited.
let usage;
try {
  usage = await client.GET("/v2/usage", { signal: AbortSignal.timeout(30_000) });
} catch (error) {
  unreachable(error);
}

if (usage.error !== undefined) {
  fail(usage.response, usage.error);
}

const report = usage.data;
const quota = report.monthly_quota === null ? "pay-per-use" : `${report.remaining ?? 0} of ${report.monthly_quota} left`;
console.log(`Plan: ${report.plan}, used ${report.used} this month (${quota}), credits: ${report.credits}, resets ${report.reset_at}`);

/** The multipart body for any of the image endpoints: files as file parts (named, so the server sees a filename), the rest as text. */
function toFormData(fields: Record<string, unknown>, fileName: string): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) {
      body.append(name, value, fileName);
    } else if (value !== undefined && value !== null) {
      body.append(name, String(value));
    }
  }
  return body;
}

/** Prints the envelope's code and message (and the wait, when waiting helps) and exits 1. */
function fail(response: Response, error: ErrorEnvelope | string): never {
  // A proxy in front of the server may answer with its own page: show that as it is.
  if (typeof error === "string" || typeof error?.error?.code !== "string") {
    console.error(`Error ${response.status}: ${typeof error === "string" ? error : JSON.stringify(error)}`);
    process.exit(1);
  }

  console.error(`Error ${response.status} ${error.error.code}: ${error.error.message}`);
  const retryAfter = error.error.retry_after ?? response.headers.get("Retry-After");
  if (retryAfter !== null && retryAfter !== undefined) {
    console.error(`Retry after ${retryAfter} s.`);
  }
  process.exit(1);
}

function unreachable(error: unknown): never {
  const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  console.error(`Could not reach ${baseUrl}: ${reason}`);
  process.exit(1);
}
