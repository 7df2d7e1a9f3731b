#!/usr/bin/env bash
# Cold release builds of each commit given, one after the other: a clean worktree per commit and an
# empty target directory per build, `--workspace` then `-p emulator`, timed by /usr/bin/time.
#   bench/cold_builds.sh 803de87 HEAD        (prints one line per build: wall, user and sys seconds)
# The registry should be downloaded first (`cargo fetch` in each commit), so that downloads are not timed.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/cold_builds.sh COMMIT..." >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree prune; rm -rf "$work"' EXIT
for commit in "$@"; do
  tree="$work/tree-$commit"
  git -C "$root" worktree add -q --detach "$tree" "$commit"
  (cd "$tree" && cargo fetch --locked >/dev/null)
  for build in "--workspace" "-p emulator"; do
    rm -rf "$work/target"
    # shellcheck disable=SC2086
    (cd "$tree" && CARGO_TARGET_DIR="$work/target" /usr/bin/time -f "$commit $build: %e s wall, %U s user, %S s sys" \
      nice -n 19 cargo build --release --locked $build 2>&1 >/dev/null | tail -1)
  done
  git -C "$root" worktree remove --force "$tree"
done
