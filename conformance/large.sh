#!/usr/bin/env bash
# A longer conformance run, outside .ci/run (about 16 minutes for the CLI part on the 2-CPU
# build VM): a peering topology of N agent VPCs (default 65) over 4 accounts and 4 regions,
# deployed against moto with the AWS CLI scripts and as CloudFormation stacks, checked, deployed
# again and torn down, as conformance/run.sh does for the golden cases. 65 agent VPCs make 66
# TCP 443 sources: two security groups (AWS's default of 60 inbound rules per group), and an
# endpoint stack template over 51,200 bytes (deployed through S3).
#
#   conformance/large.sh [N]      needs the tools of .ci/install-tools.sh
#
# LARGE_SERVICES (default "metrics traces") picks the services, LARGE_SECRETS_MANAGER=1 adds a
# Secrets Manager endpoint to every agent VPC, LARGE_PARTS (default "cli cloudformation") the
# harness's parts. Each part's line gives the AWS API requests moto answered. The CLI call counts
# of the README come from the bench of issue 15:
#
#   LARGE_SERVICES="logs-agent logs-user api metrics containers process profiling traces dbm
#   remote-config" LARGE_SECRETS_MANAGER=1 LARGE_PARTS="cli terraform" conformance/large.sh 40
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
n=${1:-65}
py=$root/.ci/.venv/bin/python
[[ -x $py ]] || { printf 'large.sh: run bash .ci/install-tools.sh first\n' >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ddpl-large.XXXXXX")
cargo build --locked --quiet --bin ddpl-gen
bin=${LARGE_DDPL_GEN:-target/debug/ddpl-gen}
"$py" - "$n" "${LARGE_SERVICES:-metrics traces}" "${LARGE_SECRETS_MANAGER:-0}" >"$work/large.yaml" <<'PY'
import sys
n = int(sys.argv[1])
services = ", ".join(sys.argv[2].split())
secrets = "secrets_manager_endpoint: true\n" if sys.argv[3] == "1" else ""
accounts = ["111111111111", "222222222222", "333333333333", "444444444444"]
regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
print("""version: 1
name: acme-large
site: us1
kind: peering
services: [""" + services + """]
""" + secrets + """endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 172.16.0.0/16
  subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
  route_table_ids: [rtb-0123456789abcdef0]
  account_id: "111111111111"
  profile: acct-111111111111
agent_vpcs:""")
for i in range(n):
    account = accounts[i % 4]
    print(f"""  - name: app-{i:04}
    vpc_id: vpc-{i + 1:017x}
    region: {regions[(i // 4) % 4]}
    cidr: 10.{1 + i // 256}.{i % 256}.0/24
    route_table_ids: [rtb-{i + 1:017x}]
    account_id: "{account}"
    profile: acct-{account}""")
    if secrets:
        print(f"""    subnet_ids: [subnet-{i + 1:017x}]""")
PY
"$bin" validate -f "$work/large.yaml"
parts=()
for part in ${LARGE_PARTS:-cli cloudformation}; do parts+=(--part "$part"); done
"$py" conformance/moto_harness.py --ddpl-gen "$bin" --work "$work/behaviour" \
  --jobs "${CONFORMANCE_JOBS:-2}" "${parts[@]}" "$work/large.yaml"
# The CLI scripts' calls by command (aws_forkserver.py lists them).
for calls in "$work"/behaviour/cli/*/calls-*.txt; do
  [[ -e $calls ]] || continue
  printf 'large.sh: %s: %d AWS CLI calls; the most frequent:\n' "${calls##*/calls-}" "$(wc -l <"$calls")"
  sort "$calls" | uniq -c | sort -rn | head -n 12
done
printf 'large.sh: passed; the files are in %s\n' "$work"
