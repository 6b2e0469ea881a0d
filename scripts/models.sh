#!/usr/bin/env bash
# Installs casefile's optional model files from PyPI: slovnet's Russian NER
# and morphology models and the navec word embeddings they read, all
# MIT-licensed, as the natasha 1.6.0 wheel ships them. They land in $CASEFILE_MODELS (default:
# target/models in the repository). Nothing else is downloaded, and casefile
# never downloads anything at run time.
# Usage: scripts/models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${CASEFILE_MODELS:-target/models}"
mkdir -p "$dest"
if [ -f "$dest/slovnet_ner_news_v1.tar" ] && [ -f "$dest/slovnet_morph_news_v1.tar" ] \
  && [ -f "$dest/navec_news_v1_1B_250K_300d_100q.tar" ]; then
  echo "models already in $dest"
  exit 0
fi
wheels="$(mktemp -d)"
trap 'rm -rf "$wheels"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: natasha==1.6.0 -d "$wheels"
python3 - "$wheels" "$dest" <<'PY'
import pathlib, sys, zipfile
wheels, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
wheel = next(wheels.glob("natasha-1.6.0-*.whl"))
wanted = {
    "natasha/data/model/slovnet_ner_news_v1.tar": "slovnet_ner_news_v1.tar",
    "natasha/data/model/slovnet_morph_news_v1.tar": "slovnet_morph_news_v1.tar",
    "natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar": "navec_news_v1_1B_250K_300d_100q.tar",
}
with zipfile.ZipFile(wheel) as archive:
    for member, name in wanted.items():
        (dest / name).write_bytes(archive.read(member))
        print(f"installed {dest / name}")
PY
