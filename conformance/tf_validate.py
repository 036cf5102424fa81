#!/usr/bin/env python3
"""`terraform init` (the AWS provider from the filesystem mirror, no backend) and
`terraform validate` of generated Terraform roots, with the real terraform (tf_root.py).

Usage: tf_validate.py --work DIR [--jobs N] CASE=ROOT... CASE=module:MODULE:ROOT...

Each ROOT is a directory of generated *.tf files (the terraform/ directory of
`ddpl-gen generate`, or one holding the single main.tf of `ddpl-gen terraform`), named CASE in
the output: it is copied into DIR/CASE (tf_root.prepare_root). A MODULE (`ddpl-gen terraform
--module -o`) is checked through a calling root (tf_root.module_caller: the providers of the
same topology's ROOT and a `module` block). Then `terraform init -backend=false` and
`terraform validate` run there, the provider from the mirror (shared through a plugin cache).
Prints `  FAIL CASE: ...` with terraform's diagnostics for each failure, then
`terraform validate: N/M clean`; exit 1 unless every root is clean.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tf_root  # noqa: E402


def check(name: str, src: str, work: Path, lock: str | None = None) -> tuple[str, bool, list[str]]:
    """Init and validate one root. LOCK, the first root's dependency lock file, lets terraform
    link the provider from the cache: without a lock file, terraform 1.4+ installs into the cache
    again on every init, and two inits at once race there ("mkdir ...: file exists")."""
    root = work / name
    try:
        if src.startswith("module:"):
            _, module, caller = src.split(":", 2)
            tf_root.module_caller(Path(module), Path(caller), root)
            notes = []
        else:
            notes = tf_root.prepare_root(Path(src), root)
    except (OSError, ValueError) as e:
        return name, False, [str(e)]
    if lock is not None:
        (root / ".terraform.lock.hcl").write_text(lock)
    tf = tf_root.terraform_bin()
    env = tf_root.env()
    # One copy of the provider for every root (terraform links it from the cache).
    env["TF_PLUGIN_CACHE_DIR"] = str(work / "plugin-cache")
    (work / "plugin-cache").mkdir(parents=True, exist_ok=True)
    init = subprocess.run([tf, "init", "-backend=false", "-input=false", "-no-color"], cwd=root, env=env,
                          capture_output=True, text=True)
    (root / "init.log").write_text(init.stdout + init.stderr)
    if init.returncode != 0:
        return name, False, notes + [f"terraform init exited {init.returncode}:", *init.stderr.strip().splitlines()]
    val = subprocess.run([tf, "validate", "-json", "-no-color"], cwd=root, env=env, capture_output=True, text=True)
    (root / "validate.json").write_text(val.stdout + val.stderr)
    try:
        report = json.loads(val.stdout)
    except json.JSONDecodeError:
        return name, False, notes + [f"terraform validate exited {val.returncode}: {val.stderr.strip()}"]
    problems = []
    for d in report.get("diagnostics", []):
        where = d.get("range") or {}
        at = f"{where.get('filename', '?')}:{where.get('start', {}).get('line', '?')}" if where else ""
        problems.append(f"{d.get('severity')}: {d.get('summary')} {at} {d.get('detail', '')}".strip())
    # A warning is a problem too: the generated Terraform must be clean for the provider in use.
    ok = val.returncode == 0 and report.get("valid") is True and not problems
    return name, ok, notes + problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("roots", nargs="+", metavar="CASE=ROOT")
    args = ap.parse_args()
    missing = tf_root.check_tools()
    if missing:
        print("terraform validate: missing " + "; ".join(missing) + "; run: bash .ci/install-tools.sh")
        print(f"terraform validate: 0/{len(args.roots)} clean")
        return 1
    args.work.mkdir(parents=True, exist_ok=True)
    pairs = [r.split("=", 1) for r in args.roots]
    # The first root alone: it fills the plugin cache, which terraform does not fill safely
    # from several inits at once, and writes the lock file the others then init with.
    results = [check(pairs[0][0], pairs[0][1], args.work)]
    first_lock = args.work / pairs[0][0] / ".terraform.lock.hcl"
    lock = first_lock.read_text() if first_lock.is_file() else None
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results += list(pool.map(lambda p: check(p[0], p[1], args.work, lock), pairs[1:]))
    clean = 0
    for name, ok, lines in results:
        if ok:
            clean += 1
            continue
        print(f"  FAIL {name}:")
        for line in lines:
            print(f"    {line}")
    print(f"terraform validate: {clean}/{len(results)} clean", flush=True)
    return 0 if clean == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
