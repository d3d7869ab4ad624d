#!/usr/bin/env bash
# Benchmark: `labforge new` on a synthetic lab of 1,000 files (900 copied,
# 100 rendered `.hbs`, 5 variables) against `cp -r` of the same tree, side by
# side in one run, plus `labforge --version` start-up.
#
#   benches/new_vs_cp.sh            # build release, then measure
#   RUNS=50 benches/new_vs_cp.sh    # more runs
#   LABFORGE_BIN=target/release/labforge benches/new_vs_cp.sh   # no build
#
# Uses hyperfine when installed (apt-get install hyperfine), else (or with
# BENCH_LOOP=1) a loop timed with `date +%s%N`: median of RUNS, the
# commands interleaved, `sync` before each run. Record results in
# docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-20}"
if [[ -z "${LABFORGE_BIN:-}" ]]; then # LABFORGE_BIN=path skips the build
  cargo build --release --locked --quiet --bin labforge
fi
BIN="${LABFORGE_BIN:-${CARGO_TARGET_DIR:-target}/release/labforge}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/labforge-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LAB="$WORK/lab"
mkdir -p "$LAB/common"

cat > "$LAB/lab.toml" <<'TOML'
schema = 1

[lab]
id = "bench"
title = "Synthetic benchmark lab"
version = "1.0.0"

[variable.project_name]
default = "bench-project"
[variable.author]
default = "Ann Lee"
[variable.workers]
type = "integer"
default = 4
[variable.publish]
type = "bool"
default = true
[variable.license]
type = "choice"
choices = ["MIT", "Apache-2.0"]
TOML

# 900 copied files of 1-4 KiB and 100 rendered README-like ones (about 2 KiB
# of text with 9 placeholders, helpers and an {{#if}} block), spread over 30
# folders. Every file's contents are distinct (the object store in
# .labforge/objects cannot deduplicate them).
python3 - "$LAB/common" <<'PY'
import os, sys, random
root = sys.argv[1]
random.seed(7)
line = "The quick brown fox jumps over the lazy dog. ${{ not.rendered }}\n"
for i in range(900):
    d = os.path.join(root, f"pkg{i % 30:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:04d}.txt"), "w") as f:
        f.write(f"file {i}\n" + line * random.randint(16, 64))
prose = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n" * 24
for i in range(100):
    d = os.path.join(root, f"pkg{i % 30:02d}")
    with open(os.path.join(d, f"render{i:03d}.md.hbs"), "w") as f:
        f.write(f"# {{{{project_name}}}}: part {i}\n\nBy {{{{author}}}}, {{{{workers}}}} workers.\n\n"
                + prose
                + "{{#if publish}}Licensed under {{license}}.{{/if}}\n"
                + "Module `{{snake project_name}}`, type `{{pascal project_name}}`, crate `{{kebab project_name}}`.\n")
PY
echo "synthetic lab: $(find "$LAB/common" -type f | wc -l) files, $(du -sh "$LAB" | cut -f1)"

now_us() { echo $(($(date +%s%N) / 1000)); }
time_one() { # command... ; prints the wall time of one run in microseconds
  rm -rf "$WORK/out"
  sync
  local start end
  start=$(now_us)
  "$@" >/dev/null 2>&1
  end=$(now_us)
  echo $((end - start))
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'; }

NEW_GIT=("$BIN" new "$LAB" "$WORK/out" --defaults)
NEW_NOGIT=("$BIN" new "$LAB" "$WORK/out" --defaults --no-git)
CP=(cp -r "$LAB" "$WORK/out")
# The fair baseline for `new` with git: copy, then make the same one commit.
CP_GIT=(sh -c "cp -r '$LAB' '$WORK/out' && cd '$WORK/out' && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm start")

if [[ -z "${BENCH_LOOP:-}" ]] && command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$RUNS" --prepare "rm -rf '$WORK/out'" \
    -n "cp -r" "${CP[*]}" \
    -n "cp -r + git commit" "${CP_GIT[*]}" \
    -n "labforge new --no-git" "${NEW_NOGIT[*]}" \
    -n "labforge new (with git)" "${NEW_GIT[*]}"
  hyperfine --warmup 5 --runs 100 -N -n "labforge --version" "$BIN --version"
else
  echo "timed with date +%s%N: median of $RUNS interleaved runs"
  : >"$WORK/cpgit" && : >"$WORK/cp" && : >"$WORK/nogit" && : >"$WORK/git" && : >"$WORK/ver"
  for ((i = 0; i < RUNS; i++)); do
    time_one "${CP[@]}" >>"$WORK/cp"
    time_one "${NEW_NOGIT[@]}" >>"$WORK/nogit"
    time_one "${NEW_GIT[@]}" >>"$WORK/git"
    time_one "${CP_GIT[@]}" >>"$WORK/cpgit"
  done
  for ((i = 0; i < 100; i++)); do time_one "$BIN" --version >>"$WORK/ver"; done
  rm -rf "$WORK/out"
  cp_ms=$(median <"$WORK/cp")
  nogit_ms=$(median <"$WORK/nogit")
  git_ms=$(median <"$WORK/git")
  cpgit_ms=$(median <"$WORK/cpgit")
  ver_ms=$(median <"$WORK/ver")
  printf '%-28s %8s ms\n' "cp -r" "$cp_ms" "labforge new --no-git" "$nogit_ms" \
    "cp -r + git commit" "$cpgit_ms" "labforge new (with git)" "$git_ms" "labforge --version" "$ver_ms"
  awk -v a="$nogit_ms" -v b="$git_ms" -v c="$cp_ms" -v d="$cpgit_ms" \
    'BEGIN {printf "ratio: new --no-git / cp -r = %.2fx; new / (cp -r + git commit) = %.2fx\n", a / c, b / d}'
fi
