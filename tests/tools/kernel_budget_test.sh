#!/usr/bin/env bash
# The budget comparison of tools/kernel-resources, without nvcc: the committed budgets read as a
# measured report must pass against themselves, and fail once any one value is lowered below
# the "measured" one or a kernel has no budget line. Guards the check that the CTest test
# kernel_resources relies on (a comparison that always passes would make that test useless).
#
#   kernel_budget_test.sh TOOL BUDGETS
set -euo pipefail
tool="$1"
budgets="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

expect() {  # expect STATUS REGEX ARGS...: the tool exits with STATUS and prints REGEX
  local want="$1" regex="$2" got=0
  shift 2
  /usr/bin/python3 "$tool" "$@" >"$tmp/out" 2>&1 || got=$?
  if [ "$got" -ne "$want" ] || ! grep -Eq "$regex" "$tmp/out"; then
    echo "FAIL: kernel-resources $* exited $got (want $want), output:" >&2
    cat "$tmp/out" >&2
    exit 1
  fi
}

expect 0 'every kernel within budget' --from-report "$budgets" --budgets "$budgets"

# Lower each field of the first kernel line by one, in turn (fields 3..8: registers .. st.local).
first=$(grep -vn '^#' "$budgets" | head -1 | cut -d: -f1)
names=(registers stack spill_stores spill_loads ptx_ld_local ptx_st_local)
for field in 3 4 5 6 7 8; do
  awk -v line="$first" -v f="$field" 'NR == line { $f = $f - 1 } { print }' "$budgets" \
    >"$tmp/lowered"
  expect 1 "OVER BUDGET .* ${names[field - 3]} " --from-report "$budgets" --budgets "$tmp/lowered"
done

# A kernel without a budget line fails too.
sed "${first}d" "$budgets" >"$tmp/missing"
expect 1 'NO BUDGET' --from-report "$budgets" --budgets "$tmp/missing"
echo "kernel budget comparison: passes at the budget, fails one below it (6 fields), and without one"
