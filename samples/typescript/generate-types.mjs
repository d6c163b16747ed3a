#!/usr/bin/env node
// Generates src/generated/fapihub.ts (TypeScript types for every path, operation and schema) from FapiHub's OpenAPI
// document with openapi-typescript.
//
//   node generate-types.mjs [path/to/openapi.json]    (default: the repository's docs/openapi.json)
//
// The programmatic API rather than the CLI for one reason: `format: binary` (the `image` field, the image responses)
// becomes `Blob`, which is what fetch's FormData takes and what a response's body is; the CLI would type it `string`.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const input = resolve(process.argv[2] ?? resolve(here, "../../docs/openapi.json"));
const output = resolve(here, "src/generated/fapihub.ts");

const blob = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const nullType = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const ast = await openapiTS(pathToFileURL(input), {
  transform(schema) {
    if (schema.format === "binary") {
      return schema.nullable ? ts.factory.createUnionTypeNode([blob, nullType]) : blob;
    }
    return undefined;
  },
});

await mkdir(dirname(output), { recursive: true });
await writeFile(output, "// Generated from docs/openapi.json by generate-types.mjs. Do not edit.\n" + astToString(ast));
console.log(`Wrote ${output} from ${input}`);
