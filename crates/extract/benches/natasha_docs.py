"""Times natasha's NER tagger on the factRuEval-2016 test texts: one thread,
the median documents per second of three runs. Prints one line:
`natasha: N documents, median X documents/s`. Used by compare-natasha.sh."""
import pathlib
import statistics
import sys
import time

from natasha import NewsEmbedding, NewsNERTagger

folder = pathlib.Path(sys.argv[1])
texts = [path.read_text(encoding="utf-8")
         for path in sorted(folder.glob("*.txt"))
         if (folder / (path.stem + ".spans")).exists()]
tagger = NewsNERTagger(NewsEmbedding())
rates = []
for _ in range(3):
    started = time.perf_counter()
    for text in texts:
        tagger(text)
    rates.append(len(texts) / (time.perf_counter() - started))
print(f"natasha: {len(texts)} documents, median {statistics.median(rates):.1f} documents/s")
