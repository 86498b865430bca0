#!/usr/bin/env python3
"""Runs committed fuzz regression inputs (and the seed corpus) through fuzz_replay.

usage: run_replay.py FUZZ_REPLAY REGRESSIONS_DIR [--seeds DIR] HARNESS...

REGRESSIONS_DIR/<harness>/<file> are inputs that once crashed a harness: each is
one JUnit testcase `<harness>/<file>` that passes when the harness returns
(a one-line rknnc::Error or success) and fails on a sanitizer report, an
escaping exception, a signal or a hang. With --seeds, the corpus that
tests/fuzz/make_seeds.py writes there (regenerated first) runs too, one
testcase per harness. Writes $RKNNC_JUNIT_DIR/fuzz_regressions.xml.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import case_runner  # noqa: E402

HANG_SECONDS = 60  # per driver run; a hang fails the input that was running


def replay(driver, harness, files):
    """Runs files through the harness; returns {file: problem or None}."""
    results = {}
    pending = list(files)
    while pending:
        try:
            p = subprocess.run([driver, harness] + pending, capture_output=True, text=True, errors="replace",
                               timeout=HANG_SECONDS)
            out, err, code = p.stdout, p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err, code = f"no answer within {HANG_SECONDS} s", "timeout"
        done = [line[3:] for line in out.splitlines() if line.startswith("ok ")]
        for f in done:
            results[f] = None
        pending = pending[len(done):]
        if code == 0 and not pending:
            break
        if not pending:  # crashed after the last input (at exit)
            results[files[-1]] = f"exit {code} after the last input: {err.strip()[-1500:]}"
            break
        results[pending[0]] = f"exit {code}: {err.strip()[-1500:]}"
        pending = pending[1:]
    return results


def regression_case(driver, harness, path):
    def run(_ctx):
        problem = replay(driver, harness, [path])[path]
        case_runner.expect(problem is None, problem)
    return run


def seeds_case(driver, harness, folder):
    def run(_ctx):
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
        bad = {f: p for f, p in replay(driver, harness, files).items() if p}
        case_runner.expect(not bad, "; ".join(f"{os.path.basename(f)}: {p}" for f, p in sorted(bad.items())[:3]))
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("driver")
    ap.add_argument("regressions")
    ap.add_argument("--seeds")
    ap.add_argument("harnesses", nargs="+")
    args = ap.parse_args()
    cases = []
    for h in args.harnesses:
        folder = os.path.join(args.regressions, h)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            cases.append((f"{h}/{name}", regression_case(args.driver, h, os.path.join(folder, name))))
    if args.seeds:
        make_seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_seeds.py")
        subprocess.run([sys.executable, make_seeds, args.seeds], check=True)
        for h in args.harnesses:
            cases.append((f"{h}/seeds", seeds_case(args.driver, h, os.path.join(args.seeds, h))))
    case_runner.main_exit(case_runner.run_cases("fuzz_regressions", cases, None))


if __name__ == "__main__":
    main()
