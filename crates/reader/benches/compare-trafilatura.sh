#!/usr/bin/env bash
# casefile's HTML reader and trafilatura on the same 181 pages, on this
# machine, in one run: pages per second of each (one thread) and the ratio.
# trafilatura is installed from PyPI into its own virtual environment under
# target/. Usage: crates/reader/benches/compare-trafilatura.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
data="${CASEFILE_SHARED:-../shared}/data/article-extraction"
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet trafilatura==2.3.1 lxml_html_clean==0.4.6
theirs=$("$venv/bin/python" crates/reader/benches/trafilatura_pages.py "$data")
ours=$(cargo bench --quiet -p casefile-reader --bench articles | grep '^html:')
echo "$theirs"
echo "$ours"
python3 - "$theirs" "$ours" <<'PY'
import re, sys
theirs = float(re.search(r"median ([0-9.]+) pages/s", sys.argv[1]).group(1))
ours = float(re.search(r"median ([0-9.]+) pages/s", sys.argv[2]).group(1))
print(f"ratio: casefile / trafilatura = {ours / theirs:.2f}x")
PY
