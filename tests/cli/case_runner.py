"""Shared by the batch and install test scripts: run named check functions,
print ok/FAIL per case, write a JUnit report, tiny JSON Schema check.

A check is a function(ctx) that raises AssertionError (or any exception)
with a one-line reason on failure."""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SRC = os.environ.get("RKNNC_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("RKNNC_BIN", os.path.join(SRC, "build", "rknnc"))
# A crash, or "internal error:", which rknnc keeps for its own bugs: nothing a
# test feeds it (a bad file above all) may produce either.
CRASH = re.compile(r"Sanitizer|runtime error:|Traceback|terminate called|Segmentation|Aborted|core dumped|internal error")


def rknnc(*args, env=None, binary=None, timeout=300, check_crash=True):
    """Runs rknnc; returns the CompletedProcess. A sanitizer report, a crash or an
    "internal error" message fails the case."""
    p = subprocess.run([binary or BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                       env=env)
    if check_crash and CRASH.search(p.stderr):
        raise AssertionError("crash: " + p.stderr[-400:])
    return p


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def schema_errors(doc, schema, where="$"):
    """The subset of JSON Schema our schemas use: type, enum, required,
    properties, additionalProperties: false, items, minimum, pattern."""
    errors = []
    types = schema.get("type")
    if types:
        names = types if isinstance(types, list) else [types]
        py = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "boolean": bool, "null": type(None)}
        if not any(isinstance(doc, py[t]) and not (t in ("integer", "number") and isinstance(doc, bool)) for t in names):
            return [f"{where}: {type(doc).__name__} is not {types}"]
    if "enum" in schema and doc not in schema["enum"]:
        errors.append(f"{where}: {doc!r} not in {schema['enum']}")
    if isinstance(doc, dict):
        for key in schema.get("required", []):
            if key not in doc:
                errors.append(f"{where}: missing {key}")
        props = schema.get("properties", {})
        for key, value in doc.items():
            if key in props:
                errors += schema_errors(value, props[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected key {key}")
    if isinstance(doc, list) and "items" in schema:
        for i, item in enumerate(doc):
            errors += schema_errors(item, schema["items"], f"{where}[{i}]")
    if isinstance(doc, (int, float)) and "minimum" in schema and doc < schema["minimum"]:
        errors.append(f"{where}: {doc} < {schema['minimum']}")
    if isinstance(doc, str) and "pattern" in schema and not re.search(schema["pattern"], doc):
        errors.append(f"{where}: {doc!r} does not match {schema['pattern']}")
    return errors


def run_cases(suite_name, cases, ctx):
    """cases: list of (name, function). Writes $RKNNC_JUNIT_DIR/<suite>.xml; returns the exit code."""
    suite = ET.Element("testsuite", name=suite_name)
    failed = 0
    for name, fn in cases:
        tc = ET.SubElement(suite, "testcase", classname=suite_name, name=name)
        try:
            fn(ctx)
            problem = None
        except Exception as e:  # noqa: BLE001 - every failure is a failed case, never a crash of the runner
            problem = f"{type(e).__name__}: {e}" if not isinstance(e, AssertionError) else str(e)
        print(("ok   " if not problem else "FAIL ") + name + ("" if not problem else ": " + problem), flush=True)
        if problem:
            failed += 1
            ET.SubElement(tc, "failure", message=problem[:2000])
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failed))
    junit = os.environ.get("RKNNC_JUNIT_DIR")
    if junit:
        os.makedirs(junit, exist_ok=True)
        ET.ElementTree(suite).write(os.path.join(junit, suite_name + ".xml"))
    print(f"{suite_name}: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed or not cases else 0


def main_exit(code):
    sys.stdout.flush()
    sys.exit(code)


def remove_tmp_and_exit(tmp, code):
    """Removes the work folder `tmp` (kept, and named, with RKNNC_KEEP_TMP=1), then main_exit."""
    if os.environ.get("RKNNC_KEEP_TMP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept", tmp)
    main_exit(code)
