#!/usr/bin/env python3
"""Counts test cases over meson test logs and JUnit reports.

Each meson test that left JUnit XML in <build>/junit/<test>*.xml counts its
test cases; one that left none (it crashed before writing) counts as one case
by its meson result. Prints failures, then `N passed, M failed` last.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def junit_counts(path):
    passed, failed, names = 0, 0, []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return 0, 1, [f"{path}: unreadable JUnit report ({e})"]
    for case in root.iter("testcase"):
        bad = case.find("failure") is not None or case.find("error") is not None
        if case.find("skipped") is not None:
            continue
        if bad:
            failed += 1
            names.append(f"{case.get('classname', '')} {case.get('name')}".strip())
        else:
            passed += 1
    return passed, failed, names


def main(build_dirs):
    passed = failed = 0
    failures = []
    for build in build_dirs:
        log = os.path.join(build, "meson-logs", "testlog.json")
        if not os.path.exists(log):
            failures.append(f"{build}: no meson test log")
            failed += 1
            continue
        with open(log) as f:
            tests = [json.loads(line) for line in f if line.strip()]
        for t in tests:
            name = t["name"].split(" / ")[-1]  # meson logs "project:suite / name"
            reports = sorted(glob.glob(os.path.join(build, "junit", name + ".xml")))
            ok_result = t["result"] in ("OK", "EXPECTEDFAIL")
            if reports:
                for r in reports:
                    p, fl, names = junit_counts(r)
                    passed += p
                    failed += fl
                    failures += [f"{build}/{t['name']}: {n}" for n in names]
                if not ok_result and not any(junit_counts(r)[1] for r in reports):
                    failed += 1
                    failures.append(f"{build}/{t['name']}: exited {t.get('returncode')} ({t['result']})")
            elif t["result"] != "SKIP":
                if ok_result:
                    passed += 1
                else:
                    failed += 1
                    failures.append(f"{build}/{t['name']}: {t['result']}")
    for line in failures[:200]:
        print("FAILED:", line)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
