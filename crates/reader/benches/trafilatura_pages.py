"""Times trafilatura on the article-extraction pages: one thread, the median
pages per second of three runs over all pages. Prints one line:
`trafilatura: N pages, median X pages/s`. Used by compare-trafilatura.sh."""
import gzip
import pathlib
import statistics
import sys
import time

import trafilatura

pages = [gzip.decompress(path.read_bytes())
         for path in sorted(pathlib.Path(sys.argv[1], "html").glob("*.html.gz"))]
rates = []
for _ in range(3):
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page)
    rates.append(len(pages) / (time.perf_counter() - started))
print(f"trafilatura: {len(pages)} pages, median {statistics.median(rates):.1f} pages/s")
