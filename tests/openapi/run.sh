#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis generates requests from
# /api/v1/openapi.json and sends them to a fresh `homeward demo` as each role that uses the API
# (administrator, caseworker, supervisor, analyst). It fails on any server error, any response
# the document does not describe (status code, content type, body schema) and any request the
# document allows that the server refuses as malformed (400/422).
#
# Installs the pinned schemathesis into a virtualenv under the target folder if missing, builds
# the release binary unless HOMEWARD_BIN names one, and prints one cargo-style line per role:
#   test result: ok. N passed; M failed; 0 ignored; (operations, as <role>: R requests)
# which .ci/run's summary counts. OPENAPI_EXAMPLES sets the examples per operation.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
version=4.32.5
examples="${OPENAPI_EXAMPLES:-8}"
# A fixed seed sends the same requests on every run, so a red CI run can be repeated;
# OPENAPI_SEED explores others.
seed="${OPENAPI_SEED:-20261208}"

apt_install() {
  echo "== installing $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}
command -v curl >/dev/null || apt_install curl
command -v python3 >/dev/null || apt_install python3
venv="$target/schemathesis-$version"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "== installing schemathesis $version into $venv"
  rm -rf "$venv"
  # Debian ships venv apart from python3.
  python3 -m venv "$venv" 2>/dev/null || { rm -rf "$venv"; apt_install python3-venv && python3 -m venv "$venv"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

if [ -n "${HOMEWARD_BIN:-}" ]; then
  HOMEWARD_BIN="$(realpath "$HOMEWARD_BIN")"
else
  echo "== cargo build --release -p homeward"
  (cd "$root" && cargo build --release -p homeward)
  HOMEWARD_BIN="$target/release/homeward"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/homeward-openapi-XXXXXX")"
declare -A base_of pid_of
cleanup() {
  for pid in "${pid_of[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Two fresh demos: the administrator's run changes, disables and re-passwords users, which
# ends their sessions, so it gets a server of its own; the other roles share the second.
for server in admin shared; do
  # A free port: the kernel picks one, the socket closes, the demo binds it straight after.
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  echo "== homeward demo ($server) on 127.0.0.1:$port"
  # No metrics listener: it would collide with another Homeward on the machine.
  HOMEWARD_METRICS_LISTEN='' RUST_LOG=warn "$HOMEWARD_BIN" demo --listen "127.0.0.1:$port" \
    --data-dir "$work/$server-data" >"$work/$server-server.log" 2>&1 &
  pid_of[$server]=$!
done
for server in admin shared; do
  for _ in $(seq 1 300); do
    base_of[$server]="$(grep -o 'running at http://[^ ]*' "$work/$server-server.log" | head -n 1 | cut -d' ' -f3 || true)"
    [ -n "${base_of[$server]}" ] && break
    kill -0 "${pid_of[$server]}" 2>/dev/null || { cat "$work/$server-server.log" >&2; echo "homeward demo exited" >&2; exit 1; }
    sleep 1
  done
  [ -n "${base_of[$server]}" ] || { cat "$work/$server-server.log" >&2; echo "homeward demo did not start in 300 s" >&2; exit 1; }
done

# API tokens (bearer): no cookie, so no CSRF token is needed on writes. All are taken before
# any fuzzing, because the generated logins to POST /api/v1/sessions soon put this address under
# the login throttle. Each role gets two: one for the run, one for logging out at its end.
token_of() {
  curl -sf -X POST "$1/api/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"homeward-demo\",\"kind\":\"api\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
roles=(administrator:admin:admin caseworker:caseworker:shared supervisor:supervisor:shared analyst:analyst:shared)
declare -A token logout_token
for entry in "${roles[@]}"; do
  IFS=: read -r role user server <<<"$entry"
  token[$role]="$(token_of "${base_of[$server]}" "$user")" &&
    logout_token[$role]="$(token_of "${base_of[$server]}" "$user")" ||
    { echo "could not log in as $user" >&2; exit 1; }
done

# What exists, for the hooks (tests/openapi/hooks.py): agency names, and per role the users of
# its own agency, the only ones a record may be assigned to. Both demos hold the same names.
for server in admin shared; do
  admin_token="$(token_of "${base_of[$server]}" admin)"
  curl -sf "${base_of[$server]}/api/v1/users" -H "Authorization: Bearer $admin_token" >"$work/$server-users.json"
done
HOMEWARD_AGENCIES="$(curl -sf "${base_of[admin]}/api/v1/agencies" -H "Authorization: Bearer ${token[administrator]}" |
  python3 -c 'import json, sys; print(json.dumps([a["name"] for a in json.load(sys.stdin)]))')"
export HOMEWARD_AGENCIES
colleagues_of() {
  python3 - "$work/$2-users.json" "$1" <<'PY'
import json, sys
users = json.load(open(sys.argv[1]))
agency = next(u["agency_id"] for u in users if u["username"] == sys.argv[2])
print(json.dumps([u["id"] for u in users if u["agency_id"] == agency and not u["disabled"]]))
PY
}

# One schemathesis run; its output goes to $work/$1.log and its JUnit report to $work/$1.xml.
schemathesis_run() {
  local name="$1" base="$2" bearer="$3" colleagues="$4"
  shift 4
  # Schemathesis keeps a cache (.schemathesis/) where it runs: a folder of its own per run.
  mkdir -p "$work/$name.cwd" && cd "$work/$name.cwd"
  HOMEWARD_USER_IDS="$colleagues" SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$here" \
    "$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --url "$base" -H "Authorization: Bearer $bearer" --max-examples "$examples" --seed "$seed" \
    --report junit --report-junit-path "$work/$name.xml" --no-color "$@" >"$work/$name.log" 2>&1
}

# Operations passed, failed and skipped in JUnit reports, and the requests their logs count, as
# one cargo-style line.
summarise() {
  "$venv/bin/python" - "$@" <<'PY'
import re, sys, xml.etree.ElementTree as ET
role, names = sys.argv[1], sys.argv[2:]
passed = failed = skipped = requests = 0
for name in names:
    try:
        cases = list(ET.parse(f"{name}.xml").getroot().iter("testcase"))
    except (OSError, ET.ParseError):
        # Schemathesis stopped before writing its report: count the run as one failure.
        failed += 1
        continue
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    m = re.search(r"Test cases:\s*\n\s*(\d+) generated", open(f"{name}.log", encoding="utf-8").read())
    requests += int(m.group(1)) if m else 0
verdict = "ok" if failed == 0 else "FAILED"
print(f"test result: {verdict}. {passed} passed; {failed} failed; {skipped} ignored; "
      f"(API operations as {role}, {requests} generated requests)")
sys.exit(1 if failed else 0)
PY
}

logout='delete /api/v1/sessions/current'
# One role: its run, then its logout, then its summary line; the exit status says whether all
# passed. Output goes to $work/$role.out, printed once the role is done.
run_role() {
  local role="$1" user="$2" server="$3" status=0 colleagues
  colleagues="$(colleagues_of "$user" "$server")"
  {
    echo "== schemathesis as $role"
    # Logging out would end the session every other request of the run relies on: it runs on
    # its own afterwards, with the role's second token.
    schemathesis_run "$role" "${base_of[$server]}" "${token[$role]}" "$colleagues" --exclude-operation-id "$logout" || status=$?
    schemathesis_run "$role-logout" "${base_of[$server]}" "${logout_token[$role]}" "$colleagues" --include-operation-id "$logout" || status=$?
    for name in "$role" "$role-logout"; do
      # Failures in full, otherwise schemathesis's closing summary.
      if [ "$status" != 0 ]; then cat "$work/$name.log"; else sed -n '/SUMMARY/,$p' "$work/$name.log"; fi
    done
    summarise "$role" "$work/$role" "$work/$role-logout" || status=1
  } >"$work/$role.out" 2>&1
  return "$status"
}

# Two roles at a time: schemathesis works on one core, the machine has two.
failed=0
pids=()
for entry in "${roles[@]}"; do
  IFS=: read -r role user server <<<"$entry"
  run_role "$role" "$user" "$server" &
  pids+=($!)
  if [ "${#pids[@]}" = 2 ]; then
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    pids=()
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
for entry in "${roles[@]}"; do cat "$work/${entry%%:*}.out"; done
exit "$failed"
