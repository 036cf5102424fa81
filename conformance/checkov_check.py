#!/usr/bin/env python3
"""Runs checkov on Terraform and CloudFormation files; counts the clean files.

    checkov_check.py --skips conformance/checkov-skips.txt --work DIR \
        [--terraform FILE.tf ...] [--cloudformation FILE.yaml ...]

Each file is copied to DIR/<framework>/<n>/ (a Terraform file alone in its directory, as
checkov reads a directory as one module) and checkov runs once per framework on its directory,
with no network call (`--skip-download`, BC_SKIP_MAPPING=TRUE), skipping only the checks listed
in the skips file. A file is clean when checkov parsed it and no check failed on it. Prints
each failure, each skip that applied, then `checkov: N/M clean`; exit 1 unless all are clean.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path


def read_skips(path: Path) -> dict[str, str]:
    skips = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        check, _, why = line.partition(" ")
        if not re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", check) or not why.strip():
            sys.exit(f"{path}: `{raw}`: expected `CHECK_ID  justification`")
        skips[check] = why.strip()
    return skips


def run_checkov(framework: str, directory: Path, skips: dict[str, str]) -> dict:
    cmd = [
        str(Path(sys.executable).parent / "checkov"),
        "-d", str(directory),
        "--framework", framework,
        "--skip-download",
        "--compact",
        "-o", "json",
    ]
    if skips:
        cmd += ["--skip-check", ",".join(sorted(skips))]
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    try:
        data = json.loads(p.stdout)
    except json.JSONDecodeError:
        sys.stdout.write(p.stdout[-2000:] + p.stderr[-2000:])
        raise SystemExit(f"checkov ({framework}) exited {p.returncode} without a JSON report")
    if isinstance(data, list):  # one report per framework; we ask for one
        data = next((d for d in data if d.get("check_type") == framework), {})
    if p.returncode not in (0, 1):
        sys.stdout.write(p.stderr[-2000:])
        raise SystemExit(f"checkov ({framework}) exited {p.returncode}")
    return data


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--skips", required=True, type=Path)
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--terraform", nargs="*", default=[], type=Path)
    ap.add_argument("--cloudformation", nargs="*", default=[], type=Path)
    args = ap.parse_args()
    skips = read_skips(args.skips)

    clean = total = 0
    for framework, files in (("terraform", args.terraform), ("cloudformation", args.cloudformation)):
        if not files:
            continue
        root = args.work / framework
        shutil.rmtree(root, ignore_errors=True)
        origin: dict[str, Path] = {}
        for n, f in enumerate(files):
            d = root / str(n)
            d.mkdir(parents=True)
            shutil.copy(f, d / f.name)
            origin[f"/{n}/{f.name}"] = f
        report = run_checkov(framework, root, skips)
        results = report.get("results", {})
        bad: dict[str, list[str]] = {}
        for c in results.get("failed_checks", []):
            bad.setdefault(c["file_path"], []).append(
                f"{c['check_id']} {c['check_name']} ({c['resource']}, line {c.get('file_line_range')})"
            )
        for path in results.get("parsing_errors", []):
            rel = "/" + os.path.relpath(path, root)
            bad.setdefault(rel, []).append("checkov could not parse it")
        for c in results.get("skipped_checks", []):
            f = origin.get(c["file_path"], c["file_path"])
            print(f"  skipped {c['check_id']} on {c['resource']} in {f}: {skips.get(c['check_id'], '?')}")
        if not results and report.get("summary", {}).get("resource_count", 0) == 0:
            bad.setdefault("*", []).append(f"checkov found no {framework} resource at all")
        for rel, problems in sorted(bad.items()):
            for problem in problems:
                print(f"  FAIL {origin.get(rel, rel)}: {problem}")
        total += len(files)
        clean += sum(1 for rel in origin if rel not in bad) if "*" not in bad else 0
    print(f"checkov: {clean}/{total} clean")
    return 0 if total and clean == total else 1


if __name__ == "__main__":
    sys.exit(main())
