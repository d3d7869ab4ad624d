#!/usr/bin/env bash
# Usage: scripts/smoke_test.sh BASE_URL   (for example http://127.0.0.1:8080)
# Exits 0 when the service at BASE_URL works, 1 (with the reason) when not.
# Needs curl and python3 (to read JSON); it writes one test note.
set -euo pipefail

BASE_URL="${1:?usage: scripts/smoke_test.sh BASE_URL}"
BASE_URL="${BASE_URL%/}"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

fail() { echo "smoke test FAILED: $*" >&2; exit 1; }

# request METHOD PATH [JSON]: sets $status, the body goes to $tmp.
request() {
  local args=(-sS --max-time 5 -o "$tmp" -w '%{http_code}' -X "$1")
  if [ $# -ge 3 ]; then args+=(-H 'Content-Type: application/json' --data "$3"); fi
  status=$(curl "${args[@]}" "$BASE_URL$2") || fail "$1 $2: no answer from $BASE_URL"
}

# json EXPR: evaluates a Python expression over the body `b` (parsed JSON).
json() {
  python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp" "$1" 2>/dev/null \
    || fail "the body is not the JSON expected: $(head -c 200 "$tmp")"
}

request GET /healthz
[ "$status" = 200 ] || fail "GET /healthz answered $status"
grep -q '"status"' "$tmp" || fail "GET /healthz body is $(head -c 200 "$tmp"), expected {\"status\": \"ok\"}"

request GET /readyz
[ "$status" = 200 ] || fail "GET /readyz answered $status (not ready)"

request GET /version
[ "$status" = 200 ] || fail "GET /version answered $status"
[ "$(json 'bool(b["git_sha"]) and bool(b["app_env"])')" = True ] || fail "GET /version lacks git_sha or app_env"

request POST /notes '{"title": "smoke test", "body": "written by scripts/smoke_test.sh"}'
[ "$status" = 201 ] || fail "POST /notes answered $status, expected 201"
id=$(json 'b["id"]')
request GET "/notes/$id"
[ "$status" = 200 ] || fail "GET /notes/$id answered $status: the note just written is gone"
[ "$(json 'b["title"]')" = "smoke test" ] || fail "GET /notes/$id returned another note"

request POST /notes '{"body": "no title"}'
[ "$status" = 422 ] || fail "POST /notes without a title answered $status, expected 422"

echo "smoke test passed: $BASE_URL"
