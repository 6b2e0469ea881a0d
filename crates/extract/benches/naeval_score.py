"""Scores casefile's and natasha's Russian NER on factRuEval-2016 with
naeval, the harness behind the per-token F1 natasha publishes for slovnet
(PER 0.959, LOC 0.915, ORG 0.825): naeval's reading of the gold objects,
its tokenizer and its per-token count, unchanged.

Usage: naeval_score.py FACTRU_DIR CASEFILE_SPANS.jsonl
CASEFILE_SPANS comes from `cargo run -p casefile-extract --example ner_spans`.
Prints one line per set and system: `naeval SET SYSTEM: PER x LOC y ORG z`.
Used by compare-natasha.sh."""
import json
import sys

from corus.sources.factru import load_factru
from naeval.const import LOC, ORG, PER
from naeval.ner.adapt import adapt
from naeval.ner.datasets.factru import parse_factru
from naeval.ner.markup import Markup
from naeval.ner.score import score_markups
from naeval.span import Span
from natasha import NewsEmbedding, NewsNERTagger

TYPES = {PER: PER, LOC: LOC, ORG: ORG}

folder, ours_path = sys.argv[1], sys.argv[2]
ours = {}
with open(ours_path, encoding="utf-8") as lines:
    for line in lines:
        item = json.loads(line)
        ours[item["set"], item["id"]] = [Span(*span) for span in item["spans"]]

tagger = NewsNERTagger(NewsEmbedding())
rows = {"testset": [], "devset+testset": []}
for set in ("devset", "testset"):
    for record in load_factru(folder, sets=[set]):
        gold = parse_factru(record).adapted
        casefile = adapt(Markup(record.text, ours[set, record.id]), TYPES)
        natasha = adapt(Markup(record.text, list(tagger(record.text).spans)), TYPES)
        row = (gold, casefile, natasha)
        rows["devset+testset"].append(row)
        if set == "testset":
            rows["testset"].append(row)

for name, items in rows.items():
    gold = [row[0] for row in items]
    for index, system in ((1, "casefile"), (2, "natasha")):
        scores = score_markups([row[index] for row in items], gold)
        figures = " ".join(f"{kind} {scores[kind].value:.4f}" for kind in (PER, LOC, ORG))
        print(f"naeval {name} ({len(items)} documents) {system}: {figures}")
