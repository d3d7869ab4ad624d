#!/usr/bin/env bash
# Benchmark: `labforge update` of a 1,000-file lab with 10 learner edits,
# against `labforge new` of the same lab (target: update < 2x new).
#
#   benches/update_1000.sh            # uses target/release/labforge (builds it if missing)
#   LABFORGE=path/to/labforge RUNS=5 benches/update_1000.sh
#
# The lab: 1,000 text files of 40 lines in 20 folders (one shared by every
# rule: no ownership section); version 1.1.0 changes 100 of them (one line
# each), removes 10, adds 10. The learner edits 10 files, 5 of them also
# changed upstream on other lines (real 3-way merges). Timings are the median
# of RUNS runs, each on a fresh copy of the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
if [[ -z "${LABFORGE:-}" ]]; then
  LABFORGE=target/release/labforge
  [[ -x $LABFORGE ]] || cargo build --release --quiet --bin labforge
fi
LABFORGE=$(realpath "$LABFORGE")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LABFORGE_CACHE_DIR=$work/cache LABFORGE_CONFIG_DIR=$work/config NO_COLOR=1

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
def lab(version, changed):
    root = os.path.join(work, f"v{version}")
    os.makedirs(root)
    with open(os.path.join(root, "lab.toml"), "w") as f:
        f.write(f'schema = 1\n\n[lab]\nid = "big"\ntitle = "Big"\nversion = "{version}"\n')
    for i in range(1010):
        if changed and i < 10: continue          # removed in 1.1.0
        if not changed and i >= 1000: continue   # added in 1.1.0
        path = os.path.join(root, "common", f"dir{i % 20:02}", f"file{i:04}.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lines = [f"file {i} line {n}" for n in range(40)]
        if changed and i % 10 == 5:
            lines[30] = f"file {i} line 30 (changed in 1.1.0)"
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
lab("1.0.0", False)
lab("1.1.0", True)
PY

ms() { python3 -c 'import time; print(int(time.time()*1000))'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

new_times=() update_times=()
for run in $(seq "$RUNS"); do
  d=$work/run$run
  mkdir -p "$d"
  cp -r "$work/v1.1.0" "$d/tpl_new"
  t0=$(ms); "$LABFORGE" new "$d/tpl_new" "$d/fresh" --defaults --no-git >/dev/null 2>&1; t1=$(ms)
  new_times+=($((t1 - t0)))

  cp -r "$work/v1.0.0" "$d/tpl"
  "$LABFORGE" new "$d/tpl" "$d/lab" --defaults --no-git >/dev/null 2>&1
  for i in 15 25 35 45 55 16 26 36 46 56; do   # 15..55 are changed upstream too
    f=$(printf '%s/lab/dir%02d/file%04d.txt' "$d" $((i % 20)) "$i")
    sed -i 's/line 2$/line 2 (learner)/' "$f"
  done
  rm -rf "$d/tpl" && cp -r "$work/v1.1.0" "$d/tpl"
  t0=$(ms); (cd "$d/lab" && "$LABFORGE" update >/dev/null 2>&1); t1=$(ms)
  update_times+=($((t1 - t0)))
  grep -q "line 2 (learner)" "$(printf '%s/lab/dir15/file0015.txt' "$d")"
  grep -q "changed in 1.1.0" "$(printf '%s/lab/dir15/file0015.txt' "$d")"
done
new_ms=$(printf '%s\n' "${new_times[@]}" | median)
update_ms=$(printf '%s\n' "${update_times[@]}" | median)
ratio=$(python3 -c "print(f'{$update_ms / max($new_ms, 1):.2f}')")
echo "labforge new    (1,000 files):                 ${new_ms} ms (median of $RUNS)"
echo "labforge update (1,000 files, 10 learner edits): ${update_ms} ms (median of $RUNS)"
echo "update / new: ${ratio}x (target < 2x)"
python3 -c "import sys; sys.exit(0 if $update_ms < 2 * max($new_ms, 1) else 1)"
