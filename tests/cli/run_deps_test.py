#!/usr/bin/env python3
"""Install completeness: every Python module that a file run by the test
suites imports comes from a Debian package that scripts/install-deps.sh
installs for `make test`, and what `make demo` runs needs only the build
packages (install-deps.sh with RKNNC_BUILD_ONLY=1).

CI runs on the developer's own machine, where a package installed by hand
hides a missing install step; a fresh machine then fails. This test reads the
imports instead of trusting the machine.

Which files count: the .py entry points of every meson test (files('x.py') in
tests/**/meson.build) for `make test`, the .py files scripts/demo.sh names for
`make demo`; then, transitively, every repository module they import and every
repository .py file they name in a string (scripts run with subprocess).
"""
import ast
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from case_runner import SRC, expect, main_exit, run_cases  # noqa: E402

# import name -> the Debian package that provides it (for Debian's /usr/bin/python3).
# A module missing here fails the test: add it with its package.
DEBIAN_PACKAGE = {
    "numpy": "python3-numpy",
    "onnx": "python3-onnx",
    "yaml": "python3-yaml",
    "torch": "python3-torch",
    "torchvision": "python3-torchvision",
    "PIL": "python3-pil",
    "sklearn": "python3-sklearn",
    "scipy": "python3-scipy",
    "google": "python3-protobuf",
    "flatbuffers": "python3-flatbuffers",
    "pyarmnn": "python3-pyarmnn",
    "cv2": "python3-opencv",
}


def bash_array(text, name):
    """The words of `NAME=(...)` (possibly over several lines) in a bash script."""
    m = re.search(r"^\s*" + name + r"=\(([^)]*)\)", text, re.M)
    if not m:
        raise AssertionError(f"scripts/install-deps.sh has no {name}=(...) list")
    return set(re.sub(r"#[^\n]*", "", m.group(1)).split())


def installed_packages(root):
    """(build-only packages, packages `make test` installs) per install-deps.sh."""
    with open(os.path.join(root, "scripts", "install-deps.sh")) as f:
        text = f.read()
    build = bash_array(text, "BUILD_PKGS")
    return build, build | bash_array(text, "TEST_PKGS")


def tracked_python_files(root):
    """Repository .py files (git's list when it is a checkout, else a walk)."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "*.py"], capture_output=True, text=True, check=True)
        files = [os.path.join(root, p) for p in out.stdout.split()]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".py")]


def meson_test_entry_points(root):
    """The .py files that meson tests run: files('...py') in tests/**/meson.build."""
    found = []
    for d, _, fs in os.walk(os.path.join(root, "tests")):
        if "meson.build" in fs:
            with open(os.path.join(d, "meson.build")) as f:
                for rel in re.findall(r"files\('([^']+\.py)'\)", f.read()):
                    found.append(os.path.normpath(os.path.join(d, rel)))
    return found


def demo_entry_points(root):
    """The .py files scripts/demo.sh runs (by path)."""
    with open(os.path.join(root, "scripts", "demo.sh")) as f:
        text = f.read()
    return [os.path.join(root, p) for p in re.findall(r"([\w./-]+\.py)\b", text)]


def module_roots(path):
    """(first component of every absolute import, .py names in string literals) of a file."""
    with open(path) as f:
        tree = ast.parse(f.read(), filename=path)
    modules, scripts = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".py"):
            scripts.add(os.path.basename(node.value))
    return modules, scripts


def third_party_imports(root, entry_points):
    """{module: first file importing it} over the entry points and what they reach."""
    by_name = {}
    for p in tracked_python_files(root):
        by_name.setdefault(os.path.basename(p), []).append(p)
    stdlib = set(sys.stdlib_module_names)
    seen, todo, found = set(), [p for p in entry_points if os.path.isfile(p)], {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        modules, scripts = module_roots(path)
        for mod in sorted(modules):
            local = by_name.get(mod + ".py", [])
            if local:
                todo += local
            elif mod not in stdlib:
                found.setdefault(mod, os.path.relpath(path, root))
        for script in scripts:
            todo += by_name.get(script, [])
    return found


def missing_packages(root, entry_points, allowed):
    """One line per imported module whose package `allowed` lacks."""
    problems = []
    for mod, where in sorted(third_party_imports(root, entry_points).items()):
        pkg = DEBIAN_PACKAGE.get(mod)
        if pkg is None:
            problems.append(f"{where} imports '{mod}', which is in no Debian package this test knows: "
                            f"add it to DEBIAN_PACKAGE in tests/cli/run_deps_test.py and to install-deps.sh")
        elif pkg not in allowed:
            problems.append(f"{where} imports '{mod}' but scripts/install-deps.sh does not install {pkg}")
    return problems


def check_test_imports(_):
    _, test_pkgs = installed_packages(SRC)
    entry = meson_test_entry_points(SRC)
    expect(len(entry) >= 5, f"found only {len(entry)} meson test entry points: {entry}")
    problems = missing_packages(SRC, entry, test_pkgs)
    expect(not problems, "; ".join(problems))


def check_demo_imports(_):
    with open(os.path.join(SRC, "scripts", "demo.sh")) as f:
        inline = re.findall(r"python3? -c .*\bimport \w+", f.read())
    expect(not inline, f"scripts/demo.sh runs inline Python with imports this test cannot read: {inline}; "
                       "move it into a .py file")
    build_pkgs, _ = installed_packages(SRC)
    problems = missing_packages(SRC, demo_entry_points(SRC), build_pkgs)
    expect(not problems, "make demo needs test-only packages: " + "; ".join(problems))


def check_catches_unlisted_import(_):
    """A fixture tree whose suite imports scipy (through a helper module and a
    script it runs) while install-deps.sh lists only numpy must be caught."""
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "tests", "x"))
        os.makedirs(os.path.join(root, "scripts"))
        with open(os.path.join(root, "scripts", "install-deps.sh"), "w") as f:
            f.write("BUILD_PKGS=(g++)\nTEST_PKGS=(python3-numpy  # fixtures\n  python3-yaml)\n")
        files = {
            "tests/meson.build": "test('x', py, args : [files('x/run.py')])\n",
            "tests/x/run.py": "import os\nimport numpy\nimport helper\nGEN = 'gen.py'\n",
            "tests/x/helper.py": "import yaml\n",
            "tests/x/gen.py": "def f():\n    from scipy import linalg\n",
            "tests/x/unused.py": "import cv2\n",
        }
        for rel, text in files.items():
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        _, test_pkgs = installed_packages(root)
        problems = missing_packages(root, meson_test_entry_points(root), test_pkgs)
    expect(len(problems) == 1 and "tests/x/gen.py imports 'scipy'" in problems[0] and "python3-scipy" in problems[0],
           f"expected exactly the unlisted scipy import of tests/x/gen.py, got {problems}")


if __name__ == "__main__":
    main_exit(run_cases("python_deps", [
        ("every module the test suites import is installed by install-deps.sh", check_test_imports),
        ("make demo needs only the build packages", check_demo_imports),
        ("an unlisted import is caught", check_catches_unlisted_import),
    ], None))
