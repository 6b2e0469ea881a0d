#!/usr/bin/env bash
# Peak memory of `casefile read` and `casefile extract` on each file of the
# hostile-input corpus (crates/cli/tests/hostile/), for BENCHMARKS.md.
# Usage: scripts/hostile-memory.sh [path/to/casefile]   (default: target/release/casefile)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/release/casefile}")"
cd crates/cli/tests/hostile
printf '| file | bytes | read: exit, peak MiB | extract: exit, peak MiB |\n|---|---|---|---|\n'
for file in *; do
  row="| \`$file\` | $(stat -c %s "$file")"
  for command in read extract; do
    set +e
    /usr/bin/time -f '%x %M' -o /tmp/hostile-time "$bin" "$command" "$file" >/dev/null 2>&1
    set -e
    read -r code kib < <(tail -1 /tmp/hostile-time)
    row="$row | $code, $((kib / 1024))"
  done
  echo "$row |"
done
