#!/usr/bin/env python3
"""`meson install --destdir` puts the binary, targets, schemas, man page and
bash completion in place, and the installed binary converts from there with
no source tree (a target file added to the installed data folder shows up in
`rknnc targets`, so it reads the installed data). Also: every flag that
`rknnc --help` (and each subcommand's --help) prints is in the man page and
in the bash completion."""
import glob
import os
import re
import shutil
import subprocess
import tempfile

from case_runner import BIN, SRC, expect, main_exit, rknnc, run_cases

BUILD = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))  # <build>/cli/rknnc


def install(ctx):
    dest = os.path.join(ctx["tmp"], "dest")
    p = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", dest],
                       capture_output=True, text=True, timeout=300)
    expect(p.returncode == 0, f"meson install failed: {(p.stdout + p.stderr)[-400:]}")
    bins = glob.glob(os.path.join(dest, "**", "bin", "rknnc"), recursive=True)
    expect(len(bins) == 1, f"installed binaries: {bins}")
    ctx["bin"] = bins[0]
    ctx["prefix"] = os.path.dirname(os.path.dirname(bins[0]))


def check_installed_files(ctx):
    install(ctx)
    prefix = ctx["prefix"]
    for rel in ("share/rknnc/targets/rk3588.yaml", "share/rknnc/schemas/model_config.schema.json",
                "share/rknnc/schemas/batch_summary.schema.json", "share/man/man1/rknnc.1",
                "share/bash-completion/completions/rknnc"):
        expect(os.path.isfile(os.path.join(prefix, rel)), f"not installed: {rel}")


def installed_env():
    env = {k: v for k, v in os.environ.items() if k != "RKNNC_DATA_DIR"}
    return env


def check_installed_binary_converts(ctx):
    expect("bin" in ctx, "not installed")
    # The binary moved with its data: install a copy of the prefix elsewhere.
    moved = os.path.join(ctx["tmp"], "moved")
    shutil.copytree(ctx["prefix"], moved, symlinks=True)
    binary = os.path.join(moved, "bin", "rknnc")
    targets = os.path.join(moved, "share", "rknnc", "targets")
    text = open(os.path.join(targets, "rk3588.yaml")).read()
    text = re.sub(r"(?m)^name:.*$", "name: rkinstalltest", text)
    text = re.sub(r"(?ms)^aliases:.*?(?=^\S)", "", text)
    with open(os.path.join(targets, "rkinstalltest.yaml"), "w") as f:
        f.write(text)
    p = rknnc("targets", binary=binary, env=installed_env())
    expect(p.returncode == 0 and "rkinstalltest" in p.stdout,
           f"installed binary does not read its installed targets: {p.stderr.strip()[-300:]}")
    out = os.path.join(ctx["tmp"], "out")
    p = rknnc("-t", "rk3588,rkinstalltest", "-i", os.path.join(SRC, "configs", "digits_cnn.yml"), "-o", out,
              binary=binary, env=installed_env())
    expect(p.returncode == 0, f"installed binary: {p.stderr.strip()[-300:]}")
    expect(os.path.isfile(os.path.join(out, "rkinstalltest", "digits_cnn.rknn")), "no output")


def help_flags(*sub):
    p = rknnc(*sub, "--help")
    expect(p.returncode == 0, p.stderr)
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", p.stdout)) - {"-"}


def subcommands():
    """The names under "Subcommands:" in rknnc --help."""
    text = rknnc("--help").stdout
    block = text.split("Subcommands:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"(?m)^  (\S+)", block)


def check_help_and_man_list_every_flag(ctx):
    man = open(os.path.join(SRC, "docs", "rknnc.1")).read().replace("\\-", "-")
    completion = open(os.path.join(SRC, "completions", "rknnc.bash")).read()
    top = rknnc("--help").stdout
    expect("Examples:" in top, "--help has no examples")
    missing = []
    subs = subcommands()
    expect(len(subs) >= 4, f"subcommands in --help: {subs}")
    for sub in [[]] + [[s] for s in subs]:
        for flag in sorted(help_flags(*sub)):
            for where, text in (("man page", man), ("completion", completion)):
                if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", text):
                    missing.append(f"{' '.join(sub) or 'rknnc'} {flag} not in the {where}")
    expect(not missing, "; ".join(missing[:6]))
    for s in subs:
        expect(s in completion and f".B {s}" in man, f"subcommand {s} missing in man page or completion")


def check_completion_targets(ctx):
    script = (f"source {os.path.join(SRC, 'completions', 'rknnc.bash')}; COMP_WORDS=({BIN} -t rk3588,rk35); "
              "COMP_CWORD=2; _rknnc; printf '%s\\n' \"${COMPREPLY[@]}\"")
    p = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    got = p.stdout.split()
    expect("rk3588,rk3566" in got and "rk3588,rk3576" in got, f"completion of -t rk3588,rk35: {got} {p.stderr}")


def main():
    tmp = tempfile.mkdtemp(prefix="rknnc_install_")
    ctx = {"tmp": tmp}
    cases = [
        ("meson install --destdir installs binary, data, man page, completion", check_installed_files),
        ("installed binary finds its data without the source tree", check_installed_binary_converts),
        ("--help and the man page list every flag", check_help_and_man_list_every_flag),
        ("bash completion completes target names after a comma", check_completion_targets),
    ]
    code = run_cases("install", cases, ctx)
    shutil.rmtree(tmp, ignore_errors=True)
    return code


if __name__ == "__main__":
    main_exit(main())
