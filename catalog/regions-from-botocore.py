#!/usr/bin/env python3
"""Writes catalog/regions.json, the AWS regions ddpl-gen knows, from botocore's partitions.json.

    pip download --no-deps botocore==VERSION -d /tmp/bc && unzip -q /tmp/bc/botocore-*.whl \
        botocore/data/partitions.json -d /tmp/bc
    python3 catalog/regions-from-botocore.py /tmp/bc/botocore/data/partitions.json VERSION DATE

Each partition keeps its regions (not the `*-global` pseudo-regions) and the prefixes of its
`regionRegex` (`^(us|eu|...)\\-\\w+\\-\\d+$` -> us, eu, ...; `^us\\-gov\\-\\w+\\-\\d+$` -> us-gov),
which place a region newer than the list (`--allow-region`) in its partition.
"""
import json
import re
import sys

source, version, date = sys.argv[1:4]
data = json.load(open(source, encoding="utf-8"))
partitions = []
for p in data["partitions"]:
    # ^(a|b)\-\w+\-\d+$, ^a\-b\-\w+\-\d+$ or ^a\-(b)\-\w+\-\d+$
    m = re.fullmatch(r"\^(?P<head>.+?)\\-\\w\+\\-\\d\+\$", p["regionRegex"])
    head = m.group("head").replace("\\-", "-") if m else ""
    alts = re.fullmatch(r"\(([a-z|]+)\)", head)
    if alts:
        prefixes = alts.group(1).split("|")
    elif re.fullmatch(r"[a-z-]+(\([a-z]+\))?", head):
        prefixes = [head.replace("(", "").replace(")", "")]
    else:
        sys.exit(f"{p['id']}: unexpected regionRegex {p['regionRegex']}")
    regions = sorted(r for r in p["regions"] if not r.endswith("-global"))
    partitions.append({"id": p["id"], "region_prefixes": prefixes, "regions": regions})
out = {
    "source": f"botocore {version} (PyPI), botocore/data/partitions.json",
    "date": date,
    "partitions": partitions,
}
with open("catalog/regions.json", "w", encoding="utf-8") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
print(", ".join(f"{p['id']} {len(p['regions'])}" for p in partitions))
