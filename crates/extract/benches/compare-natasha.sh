#!/usr/bin/env bash
# casefile's NER and natasha's on the same factRuEval-2016 test texts, on
# this machine, in one run: documents per second of each (one thread) and
# the ratio; then both scored by naeval, natasha's own evaluation harness,
# on the test set and on the development and test sets together. natasha is installed from PyPI into its own virtual
# environment under target/; casefile's model files come from
# scripts/models.sh. Usage: crates/extract/benches/compare-natasha.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
data="${CASEFILE_SHARED:-../shared}/data/ner-ru-factrueval/testset"
venv=target/natasha-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet natasha==1.6.0 naeval==0.2.0 corus==0.10.0
bash scripts/models.sh >/dev/null
# One thread for numpy too, as casefile runs on one.
theirs=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  "$venv/bin/python" crates/extract/benches/natasha_docs.py "$data")
ours=$(cargo bench --quiet -p casefile-extract --bench ner | grep '^ner')
echo "$theirs"
echo "$ours"
python3 - "$theirs" "$ours" <<'PY'
import re, sys
theirs = float(re.search(r"median ([0-9.]+) documents/s", sys.argv[1]).group(1))
for line in sys.argv[2].splitlines():
    ours = float(re.search(r"median ([0-9.]+) documents/s", line).group(1))
    what = "texts not seen before" if line.startswith("ner unseen") else "the same texts again"
    print(f"ratio: casefile / natasha = {ours / theirs:.2f}x ({what})")
PY
cargo build --quiet --release -p casefile-extract --example ner_spans
spans=target/factrueval-casefile-spans.jsonl
target/release/examples/ner_spans "$data/../devset" "$data" >"$spans"
"$venv/bin/python" crates/extract/benches/naeval_score.py "$data/.." "$spans"
