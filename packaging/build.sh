#!/usr/bin/env bash
# Build the one-folder bundle dist/assetdesk/ from packaging/assetdesk.spec.
#   bash packaging/build.sh            then: bash packaging/smoke-test.sh
# Run it on the platform you ship for (Linux here; see the spec for Windows and macOS).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
# --clean: never reuse a stale analysis (a new migration or template must be picked up).
uv run pyinstaller --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller \
    packaging/assetdesk.spec
elapsed=$(( $(date +%s) - started ))

bundle=dist/assetdesk
test -x "$bundle/assetdesk" || { echo "build.sh: $bundle/assetdesk was not built" >&2; exit 1; }
echo "built $bundle in ${elapsed}s: $(du -sh "$bundle" | cut -f1), $(find "$bundle" -type f | wc -l) files"
