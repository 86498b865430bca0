#!/usr/bin/env python3
"""No two .cpp files of one build target define the same file-local name.

`make test` builds with meson's unity mode (scripts/run-tests.sh): up to 40
source files of a target are compiled as one, so their anonymous namespaces
and `static` functions merge. Two files that each define `random_tensor` in
`namespace {` compile one by one (the release build) and fail together in the
sanitizer build, depending on which files meson happens to put in one batch.
This check finds such names in every build, before a unity batch does.

usage: check_unity_names.py [DIR ...]   (default: the project's source folders)
Each DIR is one group (the files of one target, or of targets linked together).
Writes $RKNNC_JUNIT_DIR/unity_names.xml when that is set.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import case_runner  # noqa: E402

# One group per unity target (meson joins the sources of one target only).
GROUPS = {"library": ["lib", "passes"], "command line": ["cli"], "unit tests": ["tests/unit"],
          "fuzz harnesses": ["tests/fuzz"]}

COMMENT_OR_STRING = re.compile(r'^[ \t]*#[^\n]*|//[^\n]*|/\*.*?\*/|R"(\w*)\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                               re.S | re.M)
KEYWORD_NAME = re.compile(r"\b(?:struct|class|union|enum(?:\s+class)?)\s+(\w+)")
USING_NAME = re.compile(r"\busing\s+(\w+)\s*=")
CALL_NAME = re.compile(r"(?:\boperator\s*\S+|(\w+))\s*\(")
VAR_NAME = re.compile(r"(\w+)\s*(?:\[[^\]]*\]\s*)*(?:=|\{|$)")


def blank(match):
    """Comments and literals become spaces (line numbers kept)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def parameter_types(params):
    """'const Tensor& t, int n = 3' -> 'const Tensor&,int': what makes an overload."""
    parts, depth, cur = [], 0, ""
    for ch in params:
        depth += ch in "<([{"
        depth -= ch in ">)]}"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    types = []
    for part in parts:
        part = part.split("=")[0].strip()
        tokens = re.findall(r"\w+|[^\w\s]", part)
        if len(tokens) > 1 and re.fullmatch(r"\w+", tokens[-1]) and tokens[-1] not in ("int", "float", "double", "char",
                                                                                   "bool", "long", "short", "unsigned"):
            tokens = tokens[:-1]
        text = ""
        for t in tokens:  # a space only between two words: 'const ir::Tensor&'
            text += (" " if text and re.fullmatch(r"\w", text[-1]) and re.fullmatch(r"\w+", t) else "") + t
        types.append(text)
    return ",".join(types)


def declared_name(head):
    """The name a top-level declaration `head` (text before its `{` or `;`)
    defines, with the parameter types when it is a function (overloads with
    other parameter types do not clash)."""
    head = re.sub(r"^\s*template\s*<[^{;]*?>\s*", "", head.strip())
    if not head or head.startswith(("using namespace", "static_assert", "extern", "friend")):
        return None
    m = KEYWORD_NAME.match(head) or USING_NAME.match(head)
    if m:
        return m.group(1)
    if head.startswith("using "):  # a using-declaration names an entity declared elsewhere
        return None
    if "(" in head and not re.search(r"=\s*[^=]*\(", head.split("(")[0] + "("):
        m = CALL_NAME.search(head)
        # An all-capitals "call" is a macro (kernel and pass registration), which
        # makes its own unique names.
        if not m or not m.group(1) or re.fullmatch(r"[A-Z0-9_]+", m.group(1)):
            return None
        params = head[m.end():head.rfind(")")] if ")" in head else ""
        return f"{m.group(1)}({parameter_types(params)})"
    m = VAR_NAME.search(head.split("=")[0].rstrip() + "=") if "=" in head else VAR_NAME.search(head)
    return m.group(1) if m else None


def file_local_names(text):
    """{name: line} of what the file defines in an anonymous namespace or as a
    `static` at namespace scope."""
    text = COMMENT_OR_STRING.sub(blank, text)
    names = {}
    stack = []  # 'anon', 'ns' or 'block' per open brace
    head_start = 0
    for m in re.finditer(r"[{};]", text):
        ch, at = m.group(0), m.start()
        head = text[head_start:at]
        head_start = at + 1
        if ch == "}":
            if stack:
                stack.pop()
            continue
        opens_namespace = ch == "{" and re.search(r"\b(?:namespace(?:\s+[\w:]+)?|extern\s*\"C\")\s*$", head)
        at_namespace_scope = "block" not in stack
        file_local = "anon" in stack or re.match(r"\s*static\b", head)
        if at_namespace_scope and file_local and not opens_namespace:
            name = declared_name(head)
            if name and name not in names:
                names[name] = text.count("\n", 0, at - len(head) + len(head) - len(head.lstrip())) + 1
        if ch == "{":
            stack.append("block" if not opens_namespace else
                         "anon" if re.search(r"\bnamespace\s*$", head) else "ns")
    return names


def group_clashes(src, folders):
    """[(name, [(file, line), ...])] of names defined file-locally in several files."""
    where = {}
    for folder in folders:
        for root, _dirs, files in os.walk(os.path.join(src, folder)):
            for f in sorted(files):
                if f.endswith(".cpp"):
                    path = os.path.join(root, f)
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        for name, line in file_local_names(fh.read()).items():
                            where.setdefault(name, []).append((os.path.relpath(path, src), line))
    return sorted((name, places) for name, places in where.items() if len(places) > 1)


def self_test(_ctx):
    """The parser finds what it must (a check that could not fail would be worthless)."""
    sample = ('namespace rknnc {\nnamespace {\nconstexpr int kLimit = 3;\nstruct Row { int a; };\n'
              'float random_tensor(int n) { return n; }\ntemplate <typename T>\nT twice(T v) { return v + v; }\n'
              '}  // namespace\nint exported(int x) { int local = x; return local; }\n'
              'static void helper() {}\n}  // namespace rknnc\n')
    found = file_local_names(sample)
    case_runner.expect(set(found) == {"kLimit", "Row", "random_tensor(int)", "twice(T)", "helper()"},
                       f"parsed {sorted(found)} from the self-test sample")
    case_runner.expect(found["random_tensor(int)"] == 5, f"random_tensor reported on line {found['random_tensor(int)']}")


def group_case(src, folders):
    def run(_ctx):
        clashes = group_clashes(src, folders)
        case_runner.expect(not clashes, "; ".join(
            f"'{name}' is file-local in " + ", ".join(f"{f}:{line}" for f, line in places) +
            " (a unity batch joins them: rename one or put it in a named namespace)"
            for name, places in clashes[:5]))
    return run


def main():
    src = case_runner.SRC
    groups = {d: [d] for d in sys.argv[1:]} or GROUPS
    cases = [("the parser finds file-local names", self_test)]
    cases += [(f"no file-local name is defined twice in the {label}", group_case(src, folders))
              for label, folders in groups.items()]
    case_runner.main_exit(case_runner.run_cases("unity_names", cases, None))


if __name__ == "__main__":
    main()
