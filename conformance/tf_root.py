"""The real terraform and AWS provider for the conformance suite: shared by tf_validate.py and
moto_harness.py's terraform part.

- TERRAFORM_VERSION: the terraform the suite is proven with (on PATH, from the machine image;
  .ci/install-tools.sh checks it, no registry ships it).
- The AWS provider comes from a filesystem mirror (a directory holding
  registry.terraform.io/hashicorp/aws/<version>/linux_amd64/), named in the CLI configuration
  file that .ci/install-tools.sh writes (.ci/tools/terraform.tfrc; TF_CLI_CONFIG_FILE names
  it); terraform installs nothing from the network.
- prepare_root(SRC, DST): a copy of a Terraform root (every *.tf of SRC) that the provider of
  the mirror accepts. ddpl-gen 0.2 writes `">= 5.83, < 7.0"`, copied unchanged; the roots of
  ddpl-gen 0.1.0 that the upgrade check applies (conformance/upgrade-from-0.1.0/) say
  `">= 6.0"`, which no 5.x provider satisfies (6.x cannot be installed here): their copy says
  `">= 5.83"` (the lowest version with the aws_vpc_endpoint argument service_region), and the
  substitution is reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

TERRAFORM_VERSION = "1.11.4"
PROVIDER_VERSION = "5.100.0"
HERE = Path(__file__).resolve().parent
CLI_CONFIG = HERE.parent / ".ci" / "tools" / "terraform.tfrc"

# The one edit, of 0.1.0's roots only (see the module's docstring).
CONSTRAINT_FROM = '">= 6.0"'
CONSTRAINT_TO = '">= 5.83"'


def prepare_root(src: Path, dst: Path) -> list[str]:
    """Copies the *.tf files of SRC into DST (created); returns notes on what was substituted."""
    files = sorted(src.glob("*.tf"))
    if not files:
        raise FileNotFoundError(f"no *.tf file in {src}")
    texts = [(f.name, f.read_text(encoding="utf-8")) for f in files]
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    notes = []
    for name, text in texts:
        n = text.count(CONSTRAINT_FROM)
        if n:
            text = text.replace(CONSTRAINT_FROM, CONSTRAINT_TO)
            notes.append(f"{name}: provider constraint {CONSTRAINT_FROM} -> {CONSTRAINT_TO} (x{n}, a 0.1.0 root)")
        (dst / name).write_text(text, encoding="utf-8")
    return notes


def module_caller(module: Path, root: Path, dst: Path) -> None:
    """A calling root in DST for the module in MODULE (`ddpl-gen terraform --module -o`): the
    versions.tf and providers.tf of the same topology's root (ROOT, `ddpl-gen terraform -o`),
    and a `module` block passing every provider alias, as the module's README shows."""
    providers = (root / "providers.tf").read_text(encoding="utf-8")
    aliases = re.findall(r'^  alias\s*=\s*"([^"]+)"', providers, flags=re.M)
    if not aliases:
        raise ValueError(f"no provider alias in {root / 'providers.tf'}")
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(module, dst / "module")
    shutil.copy(root / "versions.tf", dst / "versions.tf")
    (dst / "providers.tf").write_text(providers, encoding="utf-8")
    passed = "".join(f"    aws.{a} = aws.{a}\n" for a in aliases)
    (dst / "main.tf").write_text(
        'module "datadog_privatelink" {\n  source = "./module"\n\n  providers = {\n' + passed + "  }\n}\n",
        encoding="utf-8")


def env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment terraform runs with: the mirror's CLI config, no checkpoint, no prompt."""
    e = dict(os.environ if base is None else base)
    e.update({
        "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    })
    for k in ("TF_LOG", "TF_WORKSPACE", "TF_DATA_DIR"):
        e.pop(k, None)
    return e


def terraform_bin() -> str:
    found = shutil.which("terraform")
    if not found:
        raise RuntimeError("terraform is not on PATH (the suite needs terraform " + TERRAFORM_VERSION + ")")
    return found


def check_tools() -> list[str]:
    """What is missing (empty when terraform and the mirror's CLI config are in place)."""
    problems = []
    try:
        tf = terraform_bin()
        out = subprocess.run([tf, "version"], capture_output=True, text=True, env=env()).stdout
        first = out.splitlines()[0] if out else ""
        if first != f"Terraform v{TERRAFORM_VERSION}":
            problems.append(f"{tf} reports {first!r}, want Terraform v{TERRAFORM_VERSION}")
    except RuntimeError as e:
        problems.append(str(e))
    if not CLI_CONFIG.is_file():
        problems.append(f"{CLI_CONFIG} (written by .ci/install-tools.sh)")
    else:
        m = re.search(r'path\s*=\s*"([^"]+)"', CLI_CONFIG.read_text())
        mirror = Path(m.group(1)) if m else None
        want = f"registry.terraform.io/hashicorp/aws/{PROVIDER_VERSION}/linux_amd64"
        if mirror is None or not (mirror / want).is_dir():
            problems.append(f"the AWS provider mirror {mirror}/{want} named in {CLI_CONFIG}")
    return problems
