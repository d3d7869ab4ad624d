#!/usr/bin/env bash
# Grades a cohort of 50 learners of the built-in database lab (Python track)
# with `--jobs 2` (issue 16), and prints the wall time of sync and grade.
# A third of the learners solved exercises 1–3 with the reference solutions,
# the rest are untouched, so both passing and failing checks run.
#
#   benches/cohort_50.sh                 # builds the release binary first
#   LABFORGE=path/to/labforge benches/cohort_50.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${LABFORGE:-}" ]; then
    cargo build --release --locked --quiet --bin labforge --manifest-path "$root/Cargo.toml"
    target="${CARGO_TARGET_DIR:-$root/target}"
    LABFORGE="$target/release/labforge"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/cohort-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
"$LABFORGE" cohort init mentor --lab database 2>/dev/null
for i in $(seq -w 1 50); do
    "$LABFORGE" new database "l$i" --track python --defaults >/dev/null 2>&1
    if [ $((10#$i % 3)) -eq 0 ]; then
        for ex in 01-schema 02-read-basics 03-joins-and-aggregates; do
            (cd "l$i" && "$LABFORGE" solution "$ex" --reveal) | python3 -c '
import re, sys, pathlib
text = sys.stdin.read()
parts = re.split(r"(?m)^==> (.+) <==\n", text)
for i in range(1, len(parts), 2):
    p = pathlib.Path(sys.argv[1]) / parts[i]
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(parts[i + 1])
' "l$i"
        done
        git -C "l$i" add -A && git -C "l$i" commit -qm solved
    fi
    (cd mentor && "$LABFORGE" cohort add "l$i" "../l$i" 2>/dev/null)
done
cd mentor
start=$(date +%s.%N)
"$LABFORGE" cohort sync --jobs 4 2>/dev/null
mid=$(date +%s.%N)
"$LABFORGE" cohort grade --trust --jobs 2 --csv > grades.csv 2>/dev/null || true
end=$(date +%s.%N)
passed=$(awk -F, 'NR > 1 && $4 == 3' grades.csv | wc -l)
printf 'cohort of 50 (database, python): sync %.1f s, grade --jobs 2 %.1f s (setup once included); %s learners at 3/8\n' \
    "$(echo "$mid - $start" | bc)" "$(echo "$end - $mid" | bc)" "$passed"
