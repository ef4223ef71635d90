#!/usr/bin/env bash
# npm run test:interop: the Hugging Face / TRL round-trip test (python/interop_test.py), the TRL
# job's evaluation and DPO updates against the app's (python/test_trl_kl.py), then the
# sweep exported and run as a TRL + Accelerate job (python/test_trl_job.py), in the venv of
# scripts/py-env.sh. It never skips: without Python it fails and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null; then
  echo "test:interop: python3 is missing, so the Hugging Face / TRL round-trip test cannot run." >&2
  echo "Install Python 3.10+ with venv (Debian: apt-get install -y python3 python3-venv) and rerun;" >&2
  echo ".ci/run does this. The test is part of npm test and is not skipped." >&2
  exit 1
fi
py=$(bash scripts/py-env.sh)
"$py" python/interop_test.py "$@"
"$py" python/test_trl_kl.py
exec "$py" python/test_trl_job.py
