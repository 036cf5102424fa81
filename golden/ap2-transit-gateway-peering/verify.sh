#!/usr/bin/env bash
# ddpl-gen 0.2.0: topology acme-apac, catalog 2026-11-26.
# Checks, from a host inside one VPC of the topology, that every Datadog host it covers resolves
# to private addresses of the VPC that holds its endpoint and accepts TCP connections on 443
# (the troubleshooting steps of Datadog's PrivateLink guide).
#
# Usage: bash verify.sh [VPC]    VPC: endpoint, syd-apps, tokyo-apps, sgp-apps
#
# Exit status: 0 every check passed, 1 a check failed, 2 usage or missing tools.
# Environment:
#   DDPL_VPC             the VPC, instead of the argument
#   DDPL_RESOLVE_CMD     command that prints the IPv4 addresses (and CNAMEs) of the host given as
#                        its last argument, one per line; default: dig +short, else getent ahostsv4
#   DDPL_VERIFY_PORT     port to connect to (default 443)
#   DDPL_VERIFY_TIMEOUT  seconds to wait for a connection (default 5)
# bash 4.4 or later: macOS ships 3.2, Amazon Linux 2 and RHEL 7 ship 4.2.
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then
  printf '%s needs bash 4.4 or later; this is bash %s. On macOS: brew install bash, then: /opt/homebrew/bin/bash %s (/usr/local/bin/bash on an Intel Mac)\n' \
    "${0##*/}" "${BASH_VERSION:-?}" "$0" >&2
  exit 2
fi
set -euo pipefail

port="${DDPL_VERIFY_PORT:-443}"
timeout_s="${DDPL_VERIFY_TIMEOUT:-5}"
width=51
checks=0
failures=0

resolve_cmd=()
if [[ -n "${DDPL_RESOLVE_CMD:-}" ]]; then
  read -r -a resolve_cmd <<<"$DDPL_RESOLVE_CMD"
elif command -v dig >/dev/null 2>&1; then
  resolve_cmd=(dig +short A)
elif ! command -v getent >/dev/null 2>&1; then
  echo "verify.sh: needs dig (bind-utils, dnsutils) or getent to resolve names" >&2
  exit 2
fi
if ! command -v timeout >/dev/null 2>&1; then
  echo "verify.sh: needs timeout (coreutils)" >&2
  exit 2
fi

# Prints the answers for one name, one per line: addresses and CNAME targets.
resolve() {
  if ((${#resolve_cmd[@]} > 0)); then
    "${resolve_cmd[@]}" "$1" 2>/dev/null || true
  else
    getent ahostsv4 "$1" 2>/dev/null | while read -r address _; do echo "$address"; done | sort -u || true
  fi
}

ip_to_int() {
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  echo $(((10#$a << 24) | (10#$b << 16) | (10#$c << 8) | 10#$d))
}

# in_cidr ADDRESS CIDR: true when the address lies inside the block.
in_cidr() {
  local len=${2#*/} mask address network
  mask=$(((len == 0) ? 0 : ((0xFFFFFFFF << (32 - len)) & 0xFFFFFFFF)))
  address=$(ip_to_int "$1")
  network=$(ip_to_int "${2%/*}")
  (((address & mask) == (network & mask)))
}

# connects ADDRESS: true when a TCP connection to ADDRESS:port opens within the timeout.
connects() {
  # shellcheck disable=SC2016 # $0 and $1 belong to the inner shell.
  timeout "$timeout_s" "$BASH" -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$port" >/dev/null 2>&1
}

row() {
  printf '%-6s  %-*s  %s\n' "$1" "$width" "$2" "$3"
}

# What a failure of the names checked next means (set before each group of checks).
no_answer=""
outside_cidr=""
no_connection=""
few=""

# check HOST CIDR ADDRESSES: one line of the table, and the diagnosis of a failure. HOST must
# resolve to ADDRESSES addresses (one per subnet of its endpoint) inside CIDR.
check() {
  local host=$1 cidr=$2 want=$3 line address
  local -a addresses=() cnames=() outside=() refused=()
  checks=$((checks + 1))
  while IFS= read -r line; do
    line=${line%.}
    if [[ $line =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]]; then
      [[ " ${addresses[*]} " == *" $line "* ]] || addresses+=("$line")
    elif [[ -n $line ]]; then
      cnames+=("$line")
    fi
  done < <(resolve "$host")
  if ((${#addresses[@]} == 0)); then
    failures=$((failures + 1))
    row FAIL "$host" "-"
    echo "      -> no answer: the name does not resolve here; $no_answer"
    return 0
  fi
  for address in "${addresses[@]}"; do
    in_cidr "$address" "$cidr" || outside+=("$address")
  done
  if ((${#outside[@]} > 0)); then
    failures=$((failures + 1))
    row FAIL "$host" "${addresses[*]}"
    echo "      -> ${outside[*]} not in $cidr (a public answer: traffic would leave the VPC): $outside_cidr"
    for line in "${cnames[@]}"; do
      if [[ $line == *.elb.*.amazonaws.com ]]; then
        echo "      -> CNAME $line: the name resolves to a public load balancer"
      fi
    done
    return 0
  fi
  if ((${#addresses[@]} < want)); then
    failures=$((failures + 1))
    row FAIL "$host" "${addresses[*]}"
    echo "      -> ${#addresses[@]} address(es) where the endpoint has $want (one per subnet): $few"
    return 0
  fi
  for address in "${addresses[@]}"; do
    connects "$address" || refused+=("$address")
  done
  if ((${#refused[@]} > 0)); then
    failures=$((failures + 1))
    row FAIL "$host" "${addresses[*]}"
    echo "      -> DNS is right, but no TCP connection to ${refused[*]} on port $port within ${timeout_s}s: $no_connection"
    return 0
  fi
  row PASS "$host" "${addresses[*]}"
}

vpc_endpoint() {
  printf 'Checking from %s (%s, %s, %s): %s name(s), port %s\n' 'endpoint' 'vpc-0d4d4d4d4d4d4d4d4' '10.30.0.0/16' 'ap-southeast-2' 11 "$port"
  row RESULT HOST ANSWERS
  # Endpoint gold
  no_answer='check that vpc-0d4d4d4d4d4d4d4d4 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone gold.intake.ap2.datadoghq.com is not associated with vpc-0d4d4d4d4d4d4d4d4 or its A record is missing'
  no_connection='check that the endpoint security group admits TCP 443 from this host'\''s address (and the subnet'\''s network ACL), and that the endpoint is available in vpc-0d4d4d4d4d4d4d4d4'
  few='the alias A record of the private hosted zone gold.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'aws-kinesis-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'eventbridge-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'lambda-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'obpipeline-intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'runtime-security-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'gold.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint beige
  no_answer='check that vpc-0d4d4d4d4d4d4d4d4 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone beige.intake.ap2.datadoghq.com is not associated with vpc-0d4d4d4d4d4d4d4d4 or its A record is missing'
  no_connection='check that the endpoint security group admits TCP 443 from this host'\''s address (and the subnet'\''s network ACL), and that the endpoint is available in vpc-0d4d4d4d4d4d4d4d4'
  few='the alias A record of the private hosted zone beige.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'metrics.agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'beige.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
}

vpc_syd_apps() {
  printf 'Checking from %s (%s, %s, %s): %s name(s), port %s\n' 'syd-apps' 'vpc-0e5e5e5e5e5e5e5e5' '10.31.0.0/16' 'ap-southeast-2' 12 "$port"
  row RESULT HOST ANSWERS
  # Endpoint gold
  no_answer='check that vpc-0e5e5e5e5e5e5e5e5 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone gold.intake.ap2.datadoghq.com is not associated with vpc-0e5e5e5e5e5e5e5e5 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0e5e5e5e5e5e5e5e5 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.31.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.31.0.0/16'
  few='the alias A record of the private hosted zone gold.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'aws-kinesis-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'eventbridge-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'lambda-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'obpipeline-intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'runtime-security-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'gold.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint beige
  no_answer='check that vpc-0e5e5e5e5e5e5e5e5 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone beige.intake.ap2.datadoghq.com is not associated with vpc-0e5e5e5e5e5e5e5e5 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0e5e5e5e5e5e5e5e5 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.31.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.31.0.0/16'
  few='the alias A record of the private hosted zone beige.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'metrics.agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'beige.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint syd_apps_secretsmanager
  no_answer='check that vpc-0e5e5e5e5e5e5e5e5 has enableDnsSupport on'
  outside_cidr='the secretsmanager endpoint is missing, not yet available or has private DNS off'
  no_connection='check that the secretsmanager endpoint'\''s security group admits TCP 443 from this host'\''s address'
  few='the secretsmanager endpoint has no network interface in some of its 1 subnets of vpc-0e5e5e5e5e5e5e5e5'
  check 'secretsmanager.ap-southeast-2.amazonaws.com' '10.31.0.0/16' 1
}

vpc_tokyo_apps() {
  printf 'Checking from %s (%s, %s, %s): %s name(s), port %s\n' 'tokyo-apps' 'vpc-0f6f6f6f6f6f6f6f6' '10.40.0.0/16' 'ap-northeast-1' 12 "$port"
  row RESULT HOST ANSWERS
  # Endpoint gold
  no_answer='check that vpc-0f6f6f6f6f6f6f6f6 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone gold.intake.ap2.datadoghq.com is not associated with vpc-0f6f6f6f6f6f6f6f6 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0f6f6f6f6f6f6f6f6 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.40.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.40.0.0/16'
  few='the alias A record of the private hosted zone gold.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'aws-kinesis-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'eventbridge-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'lambda-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'obpipeline-intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'runtime-security-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'gold.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint beige
  no_answer='check that vpc-0f6f6f6f6f6f6f6f6 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone beige.intake.ap2.datadoghq.com is not associated with vpc-0f6f6f6f6f6f6f6f6 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0f6f6f6f6f6f6f6f6 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.40.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.40.0.0/16'
  few='the alias A record of the private hosted zone beige.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'metrics.agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'beige.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint tokyo_apps_secretsmanager
  no_answer='check that vpc-0f6f6f6f6f6f6f6f6 has enableDnsSupport on'
  outside_cidr='the secretsmanager endpoint is missing, not yet available or has private DNS off'
  no_connection='check that the secretsmanager endpoint'\''s security group admits TCP 443 from this host'\''s address'
  few='the secretsmanager endpoint has no network interface in some of its 2 subnets of vpc-0f6f6f6f6f6f6f6f6'
  check 'secretsmanager.ap-northeast-1.amazonaws.com' '10.40.0.0/16' 2
}

vpc_sgp_apps() {
  printf 'Checking from %s (%s, %s, %s): %s name(s), port %s\n' 'sgp-apps' 'vpc-0a7a7a7a7a7a7a7a7' '10.50.0.0/16' 'ap-southeast-1' 12 "$port"
  row RESULT HOST ANSWERS
  # Endpoint gold
  no_answer='check that vpc-0a7a7a7a7a7a7a7a7 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone gold.intake.ap2.datadoghq.com is not associated with vpc-0a7a7a7a7a7a7a7a7 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0a7a7a7a7a7a7a7a7 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.50.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.50.0.0/16'
  few='the alias A record of the private hosted zone gold.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'aws-kinesis-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'eventbridge-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'lambda-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'obpipeline-intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'runtime-security-http-intake.logs.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'gold.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint beige
  no_answer='check that vpc-0a7a7a7a7a7a7a7a7 has enableDnsSupport on and uses the Amazon-provided DNS server'
  outside_cidr='the private hosted zone beige.intake.ap2.datadoghq.com is not associated with vpc-0a7a7a7a7a7a7a7a7 or its A record is missing'
  no_connection='check that vpc-0d4d4d4d4d4d4d4d4 and vpc-0a7a7a7a7a7a7a7a7 are attached (attachments available) to their Transit Gateways (hub tgw-0d4d4d4d4d4d4d4d4), that their route tables route 10.30.0.0/16 and 10.50.0.0/16 to it, that the Transit Gateway route tables route both CIDRs to the attachments (across a Transit Gateway peering: static routes), and that the endpoint security group admits TCP 443 from 10.50.0.0/16'
  few='the alias A record of the private hosted zone beige.intake.ap2.datadoghq.com targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint'\''s regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0d4d4d4d4d4d4d4d4 --query '\''VpcEndpoints[].DnsEntries[].DnsName'\'')'
  check 'agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'metrics.agent.ap2.datadoghq.com' '10.30.0.0/16' 2
  check 'beige.intake.ap2.datadoghq.com' '10.30.0.0/16' 2
  # Endpoint sgp_apps_secretsmanager
  no_answer='check that vpc-0a7a7a7a7a7a7a7a7 has enableDnsSupport on'
  outside_cidr='the secretsmanager endpoint is missing, not yet available or has private DNS off'
  no_connection='check that the secretsmanager endpoint'\''s security group admits TCP 443 from this host'\''s address'
  few='the secretsmanager endpoint has no network interface in some of its 1 subnets of vpc-0a7a7a7a7a7a7a7a7'
  check 'secretsmanager.ap-southeast-1.amazonaws.com' '10.50.0.0/16' 1
}

vpc="${1:-${DDPL_VPC:-}}"
case "$vpc" in
  'endpoint') vpc_endpoint ;;
  'syd-apps') vpc_syd_apps ;;
  'tokyo-apps') vpc_tokyo_apps ;;
  'sgp-apps') vpc_sgp_apps ;;
  *)
    echo "usage: bash verify.sh VPC (on a host inside that VPC); VPC is one of: "'endpoint, syd-apps, tokyo-apps, sgp-apps' >&2
    exit 2
    ;;
esac

echo "$checks check(s): $((checks - failures)) passed, $failures failed"
if ((failures > 0)); then
  exit 1
fi
