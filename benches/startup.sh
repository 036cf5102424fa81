#!/usr/bin/env bash
# Process-level timing (docs/performance.md): each generating command on each example topology and
# the golden same-region one, against `ddpl-gen --version`, with hyperfine. Prints a Markdown
# table: minimum and median, and the minimum as a multiple of --version's minimum.
#
#   bash benches/startup.sh              # 300 runs each
#   DDPL_RUNS=50 bash benches/startup.sh
#
# The 12- and 120-VPC topologies are timed too when `cargo bench --bench generate` has written
# them (target/ddpl-bench/). Needs hyperfine and jq. Measure on a quiet machine: the figures are
# fractions of a millisecond.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${DDPL_RUNS:-300}
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { printf 'startup.sh: %s is needed\n' "$tool" >&2; exit 1; }
done
cargo build --release --quiet
bin=target/release/ddpl-gen
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() { # measure LABEL ARGS...: prints "min median" in milliseconds
  local label=$1
  shift
  hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/run.json" \
    --output=null "$bin $*" >/dev/null 2>&1 || { printf 'startup.sh: %s failed\n' "$label" >&2; exit 1; }
  jq -r '.results[0] | "\(.min * 1000) \(.median * 1000)"' "$out/run.json"
}

read -r base_min base_median < <(measure version --version)
# shellcheck disable=SC2016 # backticks are Markdown here
printf '| command | topology | minimum | median | x `--version` |\n|---|---|---:|---:|---:|\n'
row() {
  awk -v c="$1" -v t="$2" -v min="$3" -v med="$4" -v base="$base_min" \
    'BEGIN { printf "| %s | %s | %.2f ms | %.2f ms | %.2f |\n", c, t, min, med, min / base }'
}
# shellcheck disable=SC2016
row '`--version`' '' "$base_min" "$base_median"

topologies=(golden/us1-same-region-subset/topology.yaml examples/same-region.yaml
  examples/cross-region.yaml examples/peering.yaml)
for extra in target/ddpl-bench/peering-12.yaml target/ddpl-bench/peering-120.yaml; do
  [[ -f $extra ]] && topologies+=("$extra")
done
for topology in "${topologies[@]}"; do
  for command in validate terraform cloudformation cli "cli --destroy"; do
    read -ra args <<<"$command"
    args+=(-f "$topology")
    # Several stacks need a directory; one stack goes to standard output.
    [[ $command == cloudformation ]] && args+=(-o "$out/stacks")
    read -r min median < <(measure "$command $topology" "${args[@]}")
    row "\`$command\`" "$topology" "$min" "$median"
  done
done
