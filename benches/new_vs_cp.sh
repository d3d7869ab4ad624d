#!/usr/bin/env bash
# Benchmark: `labforge new` against `cp -r` of the same files, side by side,
# on tmpfs, in two cases, and the peak RSS of `labforge new`:
#
#   1,000 files: a synthetic lab (900 copied, 100 rendered `.hbs`, 5 variables)
#                against `cp -r` of the lab folder;
#   51 files:    the built-in lab api-client, track rust, against `cp -r` of a
#                folder holding the same 51 files.
#
#   benches/new_vs_cp.sh                  # build release, then measure
#   LABFORGE_BIN=target/release/labforge benches/new_vs_cp.sh   # no build
#   RUNS=20 WARMUP=3 benches/new_vs_cp.sh # more runs (default: 1 warm-up, 7 runs)
#   ROUNDS=5 benches/new_vs_cp.sh         # rounds of RUNS runs (default 3)
#
# Timing: hyperfine (apt-get install hyperfine) without a shell (-N; the
# baseline with git runs in `sh -c`), the median of ROUNDS x RUNS runs (each
# round after WARMUP warm-ups), the output folder removed before each run (--prepare).
# Also printed: the CPU time (user + system) of `cp -r` and `new --no-git`,
# steadier than the wall clock on a loaded machine, and the load average
# (the wall-clock targets are only fair on a quiet machine).
# Work files live in BENCH_DIR (default /dev/shm, a tmpfs; else TMPDIR).
# Targets (issue 14): `new --no-git` at most 2x `cp -r` in both cases, and
# its peak RSS (1,000 files) at most 15 MB; `new` with its git commit against
# `cp -r` plus the same commit, and the other RSS figures, are printed for
# information. Exits 1 when a target is missed. Record the results in
# docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-7}"
ROUNDS="${ROUNDS:-3}"
WARMUP="${WARMUP:-1}"
MAX_RATIO="${MAX_RATIO:-2.0}"
MAX_RSS_KB="${MAX_RSS_KB:-15360}"
if [[ -z "${LABFORGE_BIN:-}" ]]; then # LABFORGE_BIN=path skips the build
  cargo build --release --locked --quiet --bin labforge
fi
BIN="${LABFORGE_BIN:-${CARGO_TARGET_DIR:-target}/release/labforge}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
# The binary is timed as the build left it, as `cargo run --release` runs
# it. How its pages sit in the page cache moves both figures: a copy (as
# `cargo install` makes) started about 0.3 ms faster here, and its peak RSS
# was up to 1.8 MB higher, since each page fault then maps more of the
# binary (docs/performance.md, fourth pass).
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

BASE="${BENCH_DIR:-/dev/shm}"
[[ -d "$BASE" && -w "$BASE" ]] || BASE="${TMPDIR:-/tmp}"
WORK="$(mktemp -d "$BASE/labforge-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "work folder: $WORK ($(stat -f -c %T "$WORK"))"
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
echo "1,000-file lab: $(find "$LAB/common" -type f | wc -l) files, $(du -sh "$LAB" | cut -f1)"

# The 51-file case: the files `new` writes for api-client (track rust), as a
# plain folder for `cp -r`.
SMALL=(api-client --track rust --defaults)
"$BIN" new "${SMALL[@]}" --no-git "$WORK/small" >/dev/null
rm -rf "$WORK/small/.labforge"
echo "51-file case: $(find "$WORK/small" -type f | wc -l) files, $(du -sh "$WORK/small" | cut -f1)"

OUT="$WORK/out"
echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg)"
GIT_COMMIT="cd '$OUT' && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm start"
# ROUNDS rounds of RUNS runs each: the machine's speed drifts from minute to
# minute on a shared VM, and hyperfine times one command's runs in a row, so
# rounds spread every command over the whole measurement.
for ((round = 1; round <= ROUNDS; round++)); do
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --prepare "rm -rf '$OUT'" \
  --export-json "$WORK/large-$round.json" \
  -n "cp -r" "cp -r '$LAB' '$OUT'" \
  -n "labforge new --no-git" "'$BIN' new '$LAB' '$OUT' --defaults --no-git" \
  -n "cp -r + git commit" "sh -c \"cp -r '$LAB' '$OUT' && $GIT_COMMIT\"" \
  -n "labforge new" "'$BIN' new '$LAB' '$OUT' --defaults"
hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --prepare "rm -rf '$OUT'" \
  --export-json "$WORK/small-$round.json" \
  -n "cp -r" "cp -r '$WORK/small' '$OUT'" \
  -n "labforge new --no-git" "'$BIN' new ${SMALL[*]} --no-git '$OUT'" \
  -n "cp -r + git commit" "sh -c \"cp -r '$WORK/small' '$OUT' && $GIT_COMMIT\"" \
  -n "labforge new" "'$BIN' new ${SMALL[*]} '$OUT'"
done

# Peak RSS (maximum resident set size, KiB) of `new`, the highest of 3 runs.
# Load while measuring (the figures are only comparable on a quiet machine).
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
peak_rss() {
  local max=0 kb
  for _ in 1 2 3; do
    rm -rf "$OUT"
    kb=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
    ((kb > max)) && max=$kb
  done
  rm -rf "$OUT"
  echo "$max"
}
rss_large=$(peak_rss "$BIN" new "$LAB" "$OUT" --defaults)
rss_large_nogit=$(peak_rss "$BIN" new "$LAB" "$OUT" --defaults --no-git)
rss_small=$(peak_rss "$BIN" new "${SMALL[@]}" "$OUT")
rss_version=$(peak_rss "$BIN" --version)

python3 - "$WORK" "$ROUNDS" "$rss_large" "$rss_large_nogit" "$rss_small" \
  "$MAX_RATIO" "$MAX_RSS_KB" "$RUNS" "$WARMUP" "$rss_version" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def merged(case):
    """Per command: every run's time of every round, and mean CPU times."""
    out = {}
    for r in range(1, rounds + 1):
        for res in json.load(open(f"{work}/{case}-{r}.json"))["results"]:
            m = out.setdefault(res["command"], {"times": [], "user": [], "system": [], "medians": []})
            m["times"] += res["times"]
            m["user"].append(res["user"])
            m["system"].append(res["system"])
            m["medians"].append(res["median"])
    return out
large, small = merged("large"), merged("small")
rss_large, rss_nogit, rss_small, max_ratio, max_rss = (float(x) for x in sys.argv[3:8])
runs, warmup = sys.argv[8:10]
rss_version = float(sys.argv[10])
failed = []
print(f"\nmedian of {rounds} rounds x {runs} runs (each after {warmup} warm-up(s)), milliseconds")
for name, res in (("1,000 files", large), ("51 files", small)):
    med = {c: statistics.median(m["times"]) * 1000 for c, m in res.items()}
    per_round = [a / b for a, b in zip(res["labforge new --no-git"]["medians"], res["cp -r"]["medians"])]
    print(f"  {name:<12} new --no-git / cp -r per round: " + ", ".join(f"{x:.2f}x" for x in per_round))
    for cmd, ms in med.items():
        print(f"  {name:<12} {cmd:<24} {ms:8.1f} ms")
    # CPU time (user + system, mean of the runs): unlike the wall clock it
    # does not grow with the machine's load, so its ratio is the steadier
    # figure on a shared machine (for information; the targets are wall).
    cpu = {c: (statistics.mean(m["user"]) + statistics.mean(m["system"])) * 1000 for c, m in res.items()}
    nogit = med["labforge new --no-git"] / med["cp -r"]
    git = med["labforge new"] / med["cp -r + git commit"]
    plain = med["labforge new"] / med["cp -r"]
    cpu_nogit = cpu["labforge new --no-git"] / cpu["cp -r"]
    print(f"  {name:<12} new --no-git / cp -r = {nogit:.2f}x; new / (cp -r + git commit) = {git:.2f}x;"
          f" new / cp -r = {plain:.2f}x (for information)")
    print(f"  {name:<12} CPU time (user + system): cp -r {cpu['cp -r']:.1f} ms, new --no-git"
          f" {cpu['labforge new --no-git']:.1f} ms ({cpu_nogit:.2f}x)")
    if nogit > max_ratio:
        failed.append(f"{name}: new --no-git is {nogit:.2f}x cp -r (target {max_ratio}x)")
print(f"peak RSS of new: 1,000 files --no-git {rss_nogit / 1024:.1f} MB (target {max_rss / 1024:.0f} MB);"
      f" for information: 1,000 files with git {rss_large / 1024:.1f} MB, 51 files with git {rss_small / 1024:.1f} MB,"
      f" `labforge --version` {rss_version / 1024:.1f} MB (the binary's own floor)")
if rss_nogit > max_rss:
    failed.append(f"peak RSS of new --no-git (1,000 files) is {rss_nogit / 1024:.1f} MB (target {max_rss / 1024:.0f} MB)")
for f in failed:
    print(f"TARGET MISSED: {f}")
if not failed:
    print("all targets met")
sys.exit(1 if failed else 0)
PY
