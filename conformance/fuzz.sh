#!/usr/bin/env bash
# Bounded fuzzing of topology loading, validation and rendering (cargo-fuzz / libFuzzer,
# target fuzz/fuzz_targets/load_validate.rs): any input must give a plan or input problems
# (exit 2), never a panic, a hang (-timeout) or a memory blow-up (-rss_limit_mb).
#
#   bash conformance/fuzz.sh                       # 60 s of fuzzing after the build
#   DDPL_FUZZ_SECONDS=600 bash conformance/fuzz.sh
#   DDPL_FUZZ_QUICK=1 bash conformance/fuzz.sh     # what .ci/run does: see below
#
# DDPL_FUZZ_QUICK=1 builds the target unoptimized and without AddressSanitizer
# (`cargo fuzz build --dev --sanitizer none`): about 160 s to build on 2 cores instead of about
# 480 s, at fewer runs per second. ddpl-gen has no unsafe code, so what a bounded run looks for
# (a panic, a hang, a memory blow-up) does not need the sanitizer; long runs should leave it on.
#
# Needs cargo and a C toolchain; installs cargo-fuzz (cargo install --locked) when missing.
# The stable compiler is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the sanitizer flags.
# New inputs go to a temporary corpus (the committed seeds in fuzz/corpus/ stay as they are);
# a failing input is saved in fuzz/artifacts/load_validate/ and the script exits 1.
# Reproduce one with: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run load_validate ARTIFACT
set -euo pipefail

seconds=${DDPL_FUZZ_SECONDS:-60}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || {
  echo "fuzz.sh: DDPL_FUZZ_SECONDS must be a whole number of seconds" >&2
  exit 2
}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

build_flags=()
if [[ ${DDPL_FUZZ_QUICK:-} == 1 ]]; then
  build_flags=(--dev --sanitizer none)
fi

cd "$root/fuzz"
start=$SECONDS
cargo fuzz build "${build_flags[@]}" load_validate
built=$SECONDS
echo "fuzz.sh: build took $((built - start)) s" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
cargo fuzz run "${build_flags[@]}" load_validate "$work" corpus/load_validate -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -dict=load_validate.dict -print_final_stats=1 || status=$?
echo "fuzz.sh: ran $((SECONDS - built)) s; build and run $((SECONDS - start)) s" >&2
if ((status != 0)); then
  echo "fuzz.sh: the fuzzer found a failing input (exit $status); see fuzz/artifacts/load_validate/" >&2
  exit 1
fi
echo "fuzz.sh: no failure in ${seconds} s"
