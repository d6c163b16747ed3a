#!/usr/bin/env python3
"""Remove a photo's background with FapiHub's API using requests.

    BASE_URL=http://localhost:5080 API_KEY=fh_live_... python3 remove_background.py photo.jpg [result.png]

BASE_URL defaults to http://localhost:5080; --base-url and --api-key override the environment (prefer the
environment for the key: arguments show up in the shell history and the process list). Writes the PNG (default
result.png), prints the request id and the remaining credits or quota; on an error prints the envelope's code and
message and exits 1.

Needs only `requests` (Debian: apt-get install python3-requests).
"""

import argparse
import os
import sys

import requests


def main() -> int:
    parser = argparse.ArgumentParser(description="Remove a photo's background with FapiHub.")
    parser.add_argument("image", help="the photo: JPEG, PNG, WebP, BMP or GIF")
    parser.add_argument("output", nargs="?", default="result.png", help="where to write the PNG (default: result.png)")
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL", "http://localhost:5080"))
    parser.add_argument("--api-key", default=os.environ.get("API_KEY"))
    args = parser.parse_args()
    if not args.api_key:
        parser.error("set API_KEY (or pass --api-key)")

    try:
        with open(args.image, "rb") as image:
            # The same call as the README's curl: the photo as the multipart field "image", the key in the ApiKey
            # header. Inference on a CPU takes seconds, so the read timeout is generous.
            response = requests.post(
                args.base_url.rstrip("/") + "/v2/rembg/",
                headers={"ApiKey": args.api_key},
                files={"image": (os.path.basename(args.image), image)},
                timeout=(10, 120),
            )
    except requests.RequestException as error:
        print(f"Could not reach {args.base_url}: {error}", file=sys.stderr)
        return 1

    print(f"X-Request-Id: {response.headers.get('X-Request-Id', '')}")
    if response.status_code != 200:
        code, message, retry_after = "unknown", response.text, response.headers.get("Retry-After")
        try:
            error = response.json()["error"]
            code, message = error["code"], error["message"]
            retry_after = error.get("retry_after", retry_after)
        except (ValueError, KeyError, TypeError):
            pass  # not FapiHub's envelope (a proxy's error page, say): show the body as it is
        print(f"Error {response.status_code} {code}: {message}", file=sys.stderr)
        if retry_after is not None:
            print(f"Retry after {retry_after} s.", file=sys.stderr)
        return 1

    with open(args.output, "wb") as output:
        output.write(response.content)
    for name in ("X-Credits-Remaining", "X-Quota-Remaining", "X-RateLimit-Remaining"):
        if name in response.headers:
            print(f"{name}: {response.headers[name]}")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
