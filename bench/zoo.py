#!/usr/bin/env python3
"""Batch conversion of the sample zoo: every configs/*.yml for every target,
  1. serially (-j 1), 2. in parallel (-j 2), 3. again with nothing changed;
prints the three wall times, the parallel speed-up and the incremental rerun
as a share of the first run. Each is the best of --repeat runs (default 3),
into fresh folders, so a busy machine disturbs the numbers less. Numbers,
not pass/fail.

    /usr/bin/python3 bench/zoo.py [path/to/rknnc] [-j N] [--repeat R]"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

LOAD = 0.0
CPU = []  # CPU seconds of each timed run, in order
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    """Wall seconds; CPU seconds (user + sys) of the run are added to CPU[cmd's -j]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"zoo: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return seconds


def counts(out):
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)["counts"]


def take(args, flag, default):
    if flag not in args:
        return default
    i = args.index(flag)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def main():
    args = sys.argv[1:]
    jobs = take(args, "-j", "2")
    repeat = int(take(args, "--repeat", "3"))
    binary = args[0] if args else os.path.join(ROOT, "build", "rknnc")
    targets = [t["name"] for t in json.loads(subprocess.check_output([binary, "targets", "--json"]))]
    configs = os.path.join(ROOT, "configs")
    n_configs = len([f for f in os.listdir(configs) if f.endswith((".yml", ".yaml"))])
    base = [binary, "-q", "-t", ",".join(targets), "-i", configs]
    global LOAD
    LOAD = os.getloadavg()[0]
    tmp = tempfile.mkdtemp(prefix="rknnc_zoo_")
    try:
        serial, parallel, rerun = [], [], []
        for r in range(repeat):
            serial_out, parallel_out = os.path.join(tmp, f"serial{r}"), os.path.join(tmp, f"parallel{r}")
            serial.append(timed(base + ["-o", serial_out, "-j", "1"]))
            parallel.append(timed(base + ["-o", parallel_out, "-j", jobs]))
            rerun.append(timed(base + ["-o", parallel_out, "-j", jobs]))
            skipped = counts(parallel_out)["skipped"]
        serial, parallel, rerun = min(serial), min(parallel), min(rerun)
        cpu = [min(CPU[k::3]) for k in range(3)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = n_configs * len(targets)
    print(f"zoo: {n_configs} configs x {len(targets)} targets = {n} jobs on {os.cpu_count()} cores, "
          f"best of {repeat}")
    print(f"  load average before: {LOAD:.1f} (other processes on the machine slow every number)")
    print(f"  serial (-j 1)          {serial:7.2f} s wall  {cpu[0]:6.2f} s CPU")
    print(f"  parallel (-j {jobs})       {parallel:7.2f} s wall  {cpu[1]:6.2f} s CPU   speed-up {serial / parallel:.2f}x")
    print(f"  unchanged rerun (-j {jobs}) {rerun:7.2f} s wall  {cpu[2]:6.2f} s CPU   {100 * rerun / parallel:.1f}% of the "
          f"first run ({skipped}/{n} skipped)")


if __name__ == "__main__":
    main()
