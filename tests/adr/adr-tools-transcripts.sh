#!/bin/sh
# Runs adr-tools' own transcript tests against labforge's `adr` and
# `_adr_autocomplete`, exactly the way adr-tools' Makefile runs them: each
# tests/NAME.sh in a fresh folder under `/bin/sh -v`, with the binaries and
# adr-tools' tests folder (fake-editor, fake-visual) first on PATH,
# ADR_DATE=1992-01-12, VISUAL and EDITOR empty, PS4='+ '; the output must
# equal tests/NAME.expected byte for byte.
#
# usage: tests/adr/adr-tools-transcripts.sh ADR_TOOLS_CHECKOUT [BIN_DIR]
#   ADR_TOOLS_CHECKOUT  a checkout of adr-tools (3.0.0) holding tests/*.sh
#   BIN_DIR             the folder with `adr` and `_adr_autocomplete`
#                       (default: target/debug; `cargo build` first)
# Prints one line per test and `N passed, N failed`; exits 1 on a failure.
set -u
src=${1:?usage: $0 ADR_TOOLS_CHECKOUT [BIN_DIR]}
bin=${2:-target/debug}
src=$(cd "$src" && pwd) || exit 2
bin=$(cd "$bin" && pwd) || exit 2
for tool in adr _adr_autocomplete; do
    [ -x "$bin/$tool" ] || { echo "error: $bin/$tool is missing: run \`cargo build\` first" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/adr-transcripts.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
for t in "$src"/tests/*.sh; do
    name=$(basename "$t" .sh)
    expected="$src/tests/$name.expected"
    [ -f "$expected" ] || continue
    case $name in asciidoc-*|*-madr|adr-config) continue ;; esac
    mkdir -p "$work/$name"
    (cd "$work/$name" &&
        PATH="$bin:$src/tests:$PATH" ADR_DATE=1992-01-12 VISUAL= EDITOR= PS4='+ ' \
        /bin/sh -v "$t" >"$work/$name.output" 2>&1)
    if diff -u "$expected" "$work/$name.output" >"$work/$name.diff"; then
        echo "ok      $name"
        passed=$((passed + 1))
    else
        echo "FAILED  $name"
        sed 's/^/    /' "$work/$name.diff"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
