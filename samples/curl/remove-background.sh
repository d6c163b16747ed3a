#!/usr/bin/env bash
# Remove a photo's background with FapiHub's API using curl.
#
#   BASE_URL=http://localhost:5080 API_KEY=fh_live_… ./remove-background.sh photo.jpg [result.png]
#
# BASE_URL defaults to http://localhost:5080. The key comes from the environment, not an argument, so it stays out of
# the shell history and the process list. Writes the PNG (default result.png), prints the request id and the
# remaining credits or quota; on an error prints the envelope's code and message and exits 1.
set -euo pipefail

image=${1:?usage: BASE_URL=… API_KEY=… remove-background.sh IMAGE [OUTPUT]}
output=${2:-result.png}
base_url=${BASE_URL:-http://localhost:5080}
api_key=${API_KEY:?set API_KEY to your FapiHub key}

headers=$(mktemp)
body=$(mktemp)
trap 'rm -f "$headers" "$body"' EXIT

# The same call as the README's: the photo as the multipart field "image", the key in the ApiKey header. The header
# is read from standard input (-H @-) so the key is not in curl's command line either.
status=$(printf 'ApiKey: %s\n' "$api_key" | curl --silent --show-error -X POST "${base_url%/}/v2/rembg/" \
  -H @- \
  -F "image=@$image" \
  -D "$headers" -o "$body" -w '%{http_code}')

# A header's value (case-insensitive name), without the CR that HTTP line endings leave behind. An absent header is
# an empty string, not a failure that set -e would stop on.
header() { { grep -i "^$1:" "$headers" || true; } | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

# A string field of the error envelope, read with sed so the sample needs nothing beyond curl: a JSON string up to
# its closing quote (skipping escaped characters), then \" and \\ unescaped.
field() { sed -n 's/.*"'"$1"'":"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$body" | sed 's/\\\(["\\]\)/\1/g'; }

echo "X-Request-Id: $(header X-Request-Id)"

if [ "$status" != "200" ]; then
  # The error envelope: {"error":{"code":"…","message":"…","request_id":"…"}}.
  code=$(field code)
  message=$(field message)
  echo "Error $status ${code:-unknown}: ${message:-$(cat "$body")}" >&2
  retry=$(header Retry-After)
  [ -n "$retry" ] && echo "Retry after $retry s." >&2
  exit 1
fi

# Written through the shell rather than moved or copied, so the file gets the usual permissions, not mktemp's 0600.
cat "$body" >"$output"
credits=$(header X-Credits-Remaining)
quota=$(header X-Quota-Remaining)
[ -n "$credits" ] && echo "X-Credits-Remaining: $credits"
[ -n "$quota" ] && echo "X-Quota-Remaining: $quota"
echo "X-RateLimit-Remaining: $(header X-RateLimit-Remaining)"
echo "Wrote $output"
