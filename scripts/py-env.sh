#!/usr/bin/env bash
# Creates (or reuses) .venv with python/requirements.txt; prints the venv's python path.
# Reinstalls only when the requirements file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null; then
  echo "python3 is missing: install Python 3.10+ to run the Python parts (see README)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv >&2
fi
stamp=.venv/.requirements.sha
want=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --quiet --retries 0 --timeout 10 -r python/requirements.txt >&2
  echo "$want" >"$stamp"
fi
echo "$PWD/.venv/bin/python"
