#!/usr/bin/env python3
"""Sums meson test results (testlog.json files) and extra result lines into
the one line CI reads: `N passed, N failed[, N skipped]`.

Each argument is a testlog.json (one JSON object per line, as meson writes
it, or as .ci/run writes for steps that are not meson tests). A missing file
counts as one failure: the step that should have written it did not run.
"""
import json
import sys

PASSED = {"OK", "EXPECTEDFAIL"}
SKIPPED = {"SKIP"}

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"ci: {path}: {e.strerror}: counted as a failure")
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        test = json.loads(line)
        result = test.get("result")
        if result in PASSED:
            passed += 1
        elif result in SKIPPED:
            skipped += 1
        else:
            failed += 1
            print(f"ci: FAILED {test.get('name')} ({result}) in {path}")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
