#!/usr/bin/env bash
# The conformance suite: every golden case (golden/<case>/topology.*) and every example
# (examples/*.yaml) through the real tools. Needs the tools of .ci/install-tools.sh.
#
#   conformance/run.sh            build ddpl-gen, generate every output, run every part
#
# Parts, each printing one count line: generate, cfn-lint, terraform fmt, terraform-schema,
# terraform validate, bash -n, shellcheck, checkov, cli behaviour, cli convergence,
# cloudformation behaviour, terraform behaviour, terraform upgrade (the last five against moto,
# see moto_harness.py). Every part runs; any
# failure makes the script exit 1 at the end, after a summary naming the failed parts (the
# generated files are then kept for a look).
#
# terraform is the machine's (on PATH, 1.11.4) with the AWS provider 5.100.0 from its
# filesystem mirror (.ci/tools/terraform.tfrc, written by .ci/install-tools.sh). Terraform is
# checked in its three shapes: the root of `generate` (terraform/), the single main.tf of
# `ddpl-gen terraform`, and the module of `terraform --module -o` through a calling root.
#
# Environment:
#   DDPL_GEN=PATH            use this ddpl-gen binary instead of building one
#   CONFORMANCE_PROFILE=P    cargo profile to build (default dev: after `cargo test` it is
#                            already built; `release` costs a second full compile)
#   CONFORMANCE_JOBS=N       parallel moto workers for the behaviour parts (default: CPUs)
#   CONFORMANCE_TF_JOBS=N    more workers for the terraform parts only (default 6:
#                            terraform mostly waits on the provider's polling of Route 53)
#   CONFORMANCE_KEEP=1       keep the work directory even when everything passed
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=$root/.ci/.venv
py=$venv/bin/python
jsii=$root/.ci/tools/aws-provider.jsii
terraform_version=1.11.4
tfrc=$root/.ci/tools/terraform.tfrc
export CHECKPOINT_DISABLE=1 BC_SKIP_MAPPING=TRUE PIP_DISABLE_PIP_VERSION_CHECK=1
export TF_CLI_CONFIG_FILE=$tfrc TF_IN_AUTOMATION=1
export PATH="$venv/bin:$PATH"

start=$SECONDS
mark=$SECONDS
failed=()
timings=()
# timed LABEL: the seconds since the previous part ended.
timed() {
  timings+=("$1 $((SECONDS - mark))s")
  mark=$SECONDS
}
# result LABEL PASSED TOTAL [WORD]: the part's count line; a part with nothing to check fails.
result() {
  printf '%s: %d/%d %s\n' "$1" "$2" "$3" "${4:-clean}"
  if (($3 == 0 || $2 != $3)); then
    failed+=("$1")
  fi
  timed "$1"
}

missing_tools=()
[[ -x $py ]] || missing_tools+=(".ci/.venv")
terraform=$(command -v terraform || true)
if [[ -z $terraform ]]; then
  missing_tools+=("terraform $terraform_version on PATH")
else
  tf_version=$("$terraform" version 2>/dev/null) || tf_version="(terraform version failed)"
  if [[ ${tf_version%%$'\n'*} != "Terraform v$terraform_version" ]]; then
    missing_tools+=("terraform $terraform_version ($terraform is ${tf_version%%$'\n'*})")
  fi
fi
if [[ ! -s $tfrc ]]; then
  missing_tools+=(".ci/tools/terraform.tfrc (the AWS provider mirror)")
else
  mirror=$(sed -n 's/^ *path *= *"\(.*\)"/\1/p' "$tfrc")
  [[ -d $mirror/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64 ]] ||
    missing_tools+=("the AWS provider 5.100.0 in the mirror ${mirror:-?} that .ci/tools/terraform.tfrc names")
fi
[[ -s $jsii ]] || missing_tools+=(".ci/tools/aws-provider.jsii")
command -v shellcheck >/dev/null 2>&1 || missing_tools+=(shellcheck)
if ((${#missing_tools[@]} > 0)); then
  printf 'conformance: missing %s; run: bash .ci/install-tools.sh\n' "$(printf '%s, ' "${missing_tools[@]}" | sed 's/, $//')" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ddpl-conformance.XXXXXX")
finish() {
  local status=$?
  if ((status == 0)) && [[ ${CONFORMANCE_KEEP:-} != 1 ]]; then
    rm -rf "$work"
  else
    printf 'conformance: the generated files and logs are in %s\n' "$work" >&2
  fi
}
trap finish EXIT

# 1. ddpl-gen.
if [[ -n ${DDPL_GEN:-} ]]; then
  bin=$DDPL_GEN
else
  profile=${CONFORMANCE_PROFILE:-dev}
  cargo build --locked --quiet --profile "$profile" --bin ddpl-gen
  if [[ $profile == dev ]]; then
    bin=$root/target/debug/ddpl-gen
  else
    bin=$root/target/$profile/ddpl-gen
  fi
fi
[[ -x $bin ]] || {
  printf 'conformance: no ddpl-gen binary at %s\n' "$bin" >&2
  exit 1
}
timed build

# 2. Every output of every case: `ddpl-gen generate` writes every format (one directory each,
#    the list the binary holds) with the verify script, the plan review and the Agent settings.
shopt -s nullglob
topologies=(golden/*/topology.yaml golden/*/topology.json examples/*.yaml)
shopt -u nullglob
mkdir -p "$work/gen"
generated=0
for topology in "${topologies[@]}"; do
  case $topology in
  golden/*) name=$(basename "$(dirname "$topology")") ;;
  *) name=example-$(basename "$topology" .yaml) ;;
  esac
  out=$work/gen/$name
  mkdir -p "$work/tf-single/$name"
  if "$bin" generate -f "$topology" -o "$out" 2>"$work/gen/$name.errors" >/dev/null &&
    "$bin" terraform -f "$topology" >"$work/tf-single/$name/main.tf" 2>>"$work/gen/$name.errors" &&
    "$bin" terraform -f "$topology" --module -o "$work/tf-module/$name" 2>>"$work/gen/$name.errors"; then
    generated=$((generated + 1))
  else
    printf '  FAIL generate %s:\n' "$topology"
    sed 's/^/    /' "$work/gen/$name.errors"
  fi
done
result generate "$generated" "${#topologies[@]}" cases

shopt -s nullglob
tf_files=("$work"/gen/*/terraform/*.tf "$work"/tf-single/*/main.tf "$work"/tf-module/*/*.tf)
tf_mains=("$work"/gen/*/terraform/main.tf)
templates=("$work"/gen/*/cloudformation/*.yaml)
scripts=("$work"/gen/*/cli/*.sh "$work"/gen/*/cloudformation/*.sh)
shopt -u nullglob
short() { printf '%s' "${1#"$work"/gen/}"; }

# 3. cfn-lint: no error, no warning (exit status bits 2 and 4; 8 is informational).
status=0
lint=$(cfn-lint --format parseable -- "${templates[@]}" 2>&1) || status=$?
declare -A unclean=()
if ((status & ~14)); then
  printf '  cfn-lint failed (exit %d):\n%s\n' "$status" "$lint"
  for f in "${templates[@]}"; do unclean[$f]=1; done
fi
while IFS=: read -r file _ _ _ _ rule message; do
  [[ -n $file && -n ${rule:-} ]] || continue
  printf '  %s %s: %s\n' "$rule" "$(short "$file")" "$message"
  [[ $rule == [EW]* ]] && unclean[$file]=1
done <<<"$lint"
result cfn-lint $((${#templates[@]} - ${#unclean[@]})) "${#templates[@]}"

# 4. terraform fmt -check (needs no provider).
clean=0
for f in "${tf_files[@]}"; do
  if diff=$("$terraform" fmt -no-color -check -diff "$f" 2>&1); then
    clean=$((clean + 1))
  else
    printf '  FAIL terraform fmt %s:\n%s\n' "$(short "$f")" "$diff"
  fi
done
result "terraform fmt" "$clean" "${#tf_files[@]}"

# 5. Every resource and data block against the AWS provider schema (prints its own count).
status=0
schema=$("$py" conformance/tf_schema.py --jsii "$jsii" "${tf_files[@]}" 2>&1) || status=$?
grep -v -e '^OK ' -e '^terraform-schema: ' <<<"$schema" | sed 's/^/  /' || true
count=$(grep -E '^terraform-schema: [0-9]+/[0-9]+' <<<"$schema" | tail -n 1 || true)
if [[ $count =~ ^terraform-schema:\ ([0-9]+)/([0-9]+) ]]; then
  result terraform-schema "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  if ((status != 0)) && [[ " ${failed[*]} " != *" terraform-schema "* ]]; then failed+=(terraform-schema); fi
else
  printf '  tf_schema.py exited %d without a count:\n%s\n' "$status" "$schema"
  result terraform-schema 0 "${#tf_files[@]}"
fi

# 6. terraform init (the provider from the mirror, no backend) + terraform validate, per case
#    and shape: root, single main.tf, module (through a calling root).
roots=()
for f in "${tf_mains[@]}"; do
  dir=$(dirname "$f")
  name=$(basename "$(dirname "$dir")")
  roots+=("$name=$dir" "$name-single=$work/tf-single/$name" "$name-module=module:$work/tf-module/$name:$dir")
done
status=0
val=$("$py" conformance/tf_validate.py --work "$work/validate" --jobs "${CONFORMANCE_JOBS:-$(nproc)}" \
  "${roots[@]}" 2>&1) || status=$?
grep -v '^terraform validate: ' <<<"$val" || true
count=$(grep -E '^terraform validate: [0-9]+/[0-9]+' <<<"$val" | tail -n 1 || true)
if [[ $count =~ ^terraform\ validate:\ ([0-9]+)/([0-9]+) ]]; then
  result "terraform validate" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  if ((status != 0)) && [[ " ${failed[*]} " != *" terraform validate "* ]]; then failed+=("terraform validate"); fi
else
  printf '  tf_validate.py exited %d without a count\n' "$status"
  result "terraform validate" 0 "${#roots[@]}"
fi

# 7. bash -n on every generated script.
clean=0
for f in "${scripts[@]}"; do
  if out=$(bash -n "$f" 2>&1); then
    clean=$((clean + 1))
  else
    printf '  FAIL bash -n %s:\n%s\n' "$(short "$f")" "$out"
  fi
done
result "bash -n" "$clean" "${#scripts[@]}"

# 8. shellcheck (all severities) on every generated script.
status=0
sc=$(shellcheck -f gcc -- "${scripts[@]}" 2>&1) || status=$?
declare -A flagged=()
while IFS= read -r line; do
  [[ -n $line ]] || continue
  printf '  %s\n' "${line#"$work"/gen/}"
  file=${line%%:*}
  flagged[$file]=1
done <<<"$sc"
if ((status != 0 && ${#flagged[@]} == 0)); then
  printf '  shellcheck exited %d\n' "$status"
  for f in "${scripts[@]}"; do flagged[$f]=1; done
fi
result shellcheck $((${#scripts[@]} - ${#flagged[@]})) "${#scripts[@]}"

# 9. checkov on the Terraform and CloudFormation output; exceptions only from checkov-skips.txt.
status=0
ck=$("$py" conformance/checkov_check.py --skips conformance/checkov-skips.txt --work "$work/checkov" \
  --terraform "${tf_mains[@]}" --cloudformation "${templates[@]}" 2>&1) || status=$?
grep -v '^checkov: ' <<<"$ck" | sed "s#$work/gen/##g" || true
count=$(grep -E '^checkov: [0-9]+/[0-9]+' <<<"$ck" | tail -n 1 || true)
if [[ $count =~ ^checkov:\ ([0-9]+)/([0-9]+) ]]; then
  result checkov "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  if ((status != 0)) && [[ " ${failed[*]} " != *" checkov "* ]]; then failed+=(checkov); fi
else
  printf '  checkov_check.py exited %d without a count\n' "$status"
  result checkov 0 $((${#tf_mains[@]} + ${#templates[@]}))
fi

# 10. Behaviour against moto: the CLI scripts, the CloudFormation stacks, the Terraform.
# The convergence of the CLI scripts (deploy A, then A': the state of a fresh A') on four
# cases that between them change every kind of resource: same-region (a service, an allowed
# CIDR, a subnet), peering across accounts with a role (an agent VPC of another account),
# peering with endpoints in the agent VPC (Secrets Manager), and a Transit Gateway hub (a spoke
# of another account whose attachment the hub's owner accepts, a static route).
converge_cases=us1-same-region-subset,ap2-peering-cross-account,us1-peering-secrets-manager,us1-transit-gateway
status=0
"$py" conformance/moto_harness.py --ddpl-gen "$bin" --work "$work/behaviour" \
  --jobs "${CONFORMANCE_JOBS:-$(nproc)}" --terraform-jobs "${CONFORMANCE_TF_JOBS:-6}" \
  --converge "$converge_cases" "${topologies[@]}" | tee "$work/behaviour.txt" || status=$?
for label in "cli behaviour" "cli convergence" "cloudformation behaviour" "terraform behaviour" "terraform upgrade"; do
  line=$(grep -E "^$label: [0-9]+/[0-9]+" "$work/behaviour.txt" | tail -n 1 || true)
  if [[ $line =~ :\ ([0-9]+)/([0-9]+) ]] && ((BASH_REMATCH[2] > 0 && BASH_REMATCH[1] == BASH_REMATCH[2])); then
    continue
  fi
  [[ -n $line ]] || printf '%s: no result (the harness exited %d)\n' "$label" "$status"
  failed+=("$label")
done
timed behaviour

elapsed=$((SECONDS - start))
printf 'conformance: timings: %s\n' "$(printf '%s, ' "${timings[@]}" | sed 's/, $//')"
if ((${#failed[@]} > 0)); then
  printf 'conformance: FAILED (%ds): %s\n' "$elapsed" "$(printf '%s, ' "${failed[@]}" | sed 's/, $//')"
  exit 1
fi
printf 'conformance: every part passed (%ds)\n' "$elapsed"
