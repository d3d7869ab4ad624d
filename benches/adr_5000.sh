#!/usr/bin/env bash
# Times `adr list`, `adr new` and `adr generate toc` on 5,000 records
# (issue 4: each must take under 0.2 s; adr-tools needs 218 s for the toc).
#
#   benches/adr_5000.sh            # builds the release binary first
#   ADR=path/to/adr benches/adr_5000.sh
#
# Prints one line per command: the best of 5 runs, in seconds. Exits 1 when
# a command takes 0.2 s or more.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${ADR:-}" ]; then
    cargo build --release --quiet --bin adr --manifest-path "$root/Cargo.toml"
    target="${CARGO_TARGET_DIR:-$root/target}"
    ADR="$target/release/adr"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/adr-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
export ADR_DATE=2024-01-01
unset VISUAL EDITOR

"$ADR" init >/dev/null
# Records 2..5000 written directly (with a supersede link every 100
# records), so the setup itself takes a second rather than minutes.
python3 - <<'PY'
for n in range(2, 5001):
    links = ""
    if n % 100 == 0:
        links = f"\n\nAmends [{n-1}. Decision number {n-1}]({n-1:04d}-decision-number-{n-1}.md)"
    with open(f"doc/adr/{n:04d}-decision-number-{n}.md", "w") as f:
        f.write(
            f"# {n}. Decision number {n}\n\nDate: 2024-01-01\n\n## Status\n\nAccepted{links}\n\n"
            "## Context\n\nThe issue motivating this decision, and any context that influences or constrains the decision.\n\n"
            "## Decision\n\nThe change that we're proposing or have agreed to implement.\n\n"
            "## Consequences\n\nWhat becomes easier or more difficult to do and any risks introduced by the change that will need to be mitigated.\n"
        )
PY

best() { # best of 5 runs of "$@", in seconds
    local best=999 t0 t1 d
    for _ in 1 2 3 4 5; do
        t0=$(date +%s.%N)
        "$@" >/dev/null
        t1=$(date +%s.%N)
        d=$(echo "$t1 - $t0" | bc -l)
        if (( $(echo "$d < $best" | bc -l) )); then best=$d; fi
    done
    printf '%.3f' "$best"
}

fail=0
report() { # NAME SECONDS [info]: only the issue's targets can fail
    printf '%-22s %s s%s\n' "$1" "$2" "${3:+ (for information)}"
    if [ -z "${3:-}" ] && (( $(echo "$2 >= 0.2" | bc -l) )); then fail=1; fi
}
count=$("$ADR" list | wc -l)
echo "records: $count"
report "adr list" "$(best "$ADR" list)"
report "adr generate toc" "$(best "$ADR" generate toc)"
report "adr generate graph" "$(best "$ADR" generate graph)" info
report "adr lint" "$(best sh -c "\"$ADR\" lint 2>/dev/null || true")" info
# `new` adds a record per run (5001 … 5005); each must stay fast.
report "adr new" "$(best "$ADR" new Benchmark record)"
exit $fail
