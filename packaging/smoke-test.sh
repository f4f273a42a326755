#!/usr/bin/env bash
# Smoke-test the built bundle (bash packaging/build.sh first): run the bundled
#   assetdesk --version      must print the version in pyproject.toml
#   assetdesk selftest       database, procedures, export, label PDF, backup (headless)
#   assetdesk                the window starts (offscreen) and is still up after a few seconds
# from a temporary folder with a clean environment, so that nothing can come from the
# source tree or a virtualenv. Fails (non-zero) on any failure. Called by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="${1:-$root/dist/assetdesk}"
bundle="$(cd "$bundle" && pwd)"
exe="$bundle/assetdesk"
[ -x "$exe" ] || { echo "smoke-test: no bundle at $exe; run packaging/build.sh" >&2; exit 1; }

expected_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/pyproject.toml" | head -1)"
scratch="$(mktemp -d -t assetdesk-smoke-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/work"
cd "$scratch/work"

# A clean environment: no PYTHONPATH, no virtualenv, a throwaway home, offscreen Qt.
clean_env=(
    env -i
    HOME="$scratch/home"
    PATH=/usr/bin:/bin
    LANG=C.UTF-8
    TMPDIR="$scratch"
    XDG_DATA_HOME="$scratch/home/data"
    XDG_CONFIG_HOME="$scratch/home/config"
    XDG_STATE_HOME="$scratch/home/state"
    XDG_CACHE_HOME="$scratch/home/cache"
    QT_QPA_PLATFORM=offscreen
)
run() { "${clean_env[@]}" "$exe" "$@"; }
# The window has no end of its own: run it under `timeout` (status 124 = still running).
run_window_for() { "${clean_env[@]}" timeout "$1" "$exe"; }

fail() { echo "smoke-test FAILED: $*" >&2; exit 1; }

SECONDS=0
version_output="$(run --version)" || fail "'assetdesk --version' exited with $?"
echo "$version_output"
[ "$version_output" = "assetdesk $expected_version" ] \
    || fail "'assetdesk --version' printed '$version_output', expected 'assetdesk $expected_version'"

selftest_output="$(run selftest)" || { echo "$selftest_output"; fail "'assetdesk selftest' failed"; }
echo "$selftest_output"
first_line="$(head -1 <<<"$selftest_output")"
case "$first_line" in
    *"from $bundle/"*"(bundle)"*) ;;
    *) fail "the selftest did not run from the bundle: $first_line" ;;
esac
grep -q '^selftest passed' <<<"$selftest_output" || fail "no 'selftest passed' line"
[ ! -e "$scratch/home/data/Assetdesk/assetdesk.sqlite3" ] \
    || fail "the selftest created the user's database instead of a temporary one"

# The window: it must start on a fresh local database and still be running after
# $window_seconds seconds (a missing module or plugin makes it exit with a traceback).
window_seconds=8
set +e
window_errors="$(run_window_for "$window_seconds" 2>&1 >/dev/null)"
window_status=$?
set -e
if [ "$window_status" -ne 124 ]; then
    echo "$window_errors" >&2
    fail "the window exited with status $window_status within ${window_seconds}s"
fi
if grep -E -q "Traceback|Unhandled exception" <<<"$window_errors"; then
    echo "$window_errors" >&2
    fail "the window reported errors"
fi
log_file="$scratch/home/state/Assetdesk/log/assetdesk.log"
if [ -f "$log_file" ] && grep -E -q " (ERROR|CRITICAL) " "$log_file"; then
    cat "$log_file" >&2
    fail "the window logged errors in $log_file"
fi
[ -f "$scratch/home/data/Assetdesk/assetdesk.sqlite3" ] \
    || fail "the window did not create its local database"
echo "window: started on a new local database and ran ${window_seconds}s without errors"

echo "smoke-test passed: $exe ($(du -sh "$bundle" | cut -f1)) in ${SECONDS}s"
