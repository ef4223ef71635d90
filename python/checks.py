"""The Python tests' checks (interop_test.py, test_trl_job.py, test_trl_kl.py): each check
prints ok or FAIL and goes on, and `finish` exits 1 when any failed, so one run reports every
failure and nothing is ever skipped."""

import sys

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def finish(name: str) -> None:
    if failures:
        print(f"{name}: {len(failures)} checks failed")
        sys.exit(1)
    print(f"{name}: all checks passed")
