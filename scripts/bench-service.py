#!/usr/bin/env python3
"""The case service against the release before it, on the same machine in one run.

Usage: scripts/bench-service.py BEFORE_BINARY AFTER_BINARY [ROUNDS]

Each round runs both binaries in turn (the order alternates between rounds, so a
noisy neighbour does not favour one): a new case, `add` of the 181 pages of
../shared/data/article-extraction/html, then `report` and `search` five times
each (process start included). Then, with the after binary alone, the same
queries while another process adds the factRuEval texts to the same case
(a writer busy). Prints medians and the after/before ratios as Markdown.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
PAGES = os.path.join(SHARED, "article-extraction", "html")
TEXTS = os.path.join(SHARED, "ner-ru-factrueval", "testset")


def run(binary, case, *args, check=True):
    start = time.perf_counter()
    subprocess.run([binary, "--case", case, *args], check=check,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def one_round(binary):
    case = tempfile.mkdtemp(prefix="casefile-bench-")
    subprocess.run([binary, "init", case], check=True, stdout=subprocess.DEVNULL)
    add = run(binary, case, "add", "--kind", "news", PAGES)
    report = [run(binary, case, "report", "--as-of", "2026-12-01") for _ in range(5)]
    search = [run(binary, case, "search", "army") for _ in range(5)]
    return case, add, statistics.median(report), statistics.median(search)


def busy(binary, case):
    """Query latency while another process adds to the same case."""
    idle_r = [run(binary, case, "report", "--as-of", "2026-12-01") for _ in range(5)]
    idle_s = [run(binary, case, "search", "army") for _ in range(5)]
    writer = subprocess.Popen([binary, "--case", case, "add", "--kind", "news", TEXTS],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Read-only queries: entity list and documents do not sync, so they
    # measure reading beside the writer, not waiting for it.
    busy_q, busy_e = [], []
    while writer.poll() is None:
        busy_e.append(run(binary, case, "entity", "list"))
        busy_q.append(run(binary, case, "documents", "0"))
    idle_e = [run(binary, case, "entity", "list") for _ in range(5)]
    idle_q = [run(binary, case, "documents", "0") for _ in range(5)]
    return {
        "entity list": (statistics.median(idle_e), statistics.median(busy_e) if busy_e else None, len(busy_e)),
        "documents 0": (statistics.median(idle_q), statistics.median(busy_q) if busy_q else None, len(busy_q)),
        "report (idle)": (statistics.median(idle_r), None, 0),
        "search (idle)": (statistics.median(idle_s), None, 0),
    }


def main():
    before, after = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    results = {before: [], after: []}
    last_case = None
    for n in range(rounds):
        order = (before, after) if n % 2 == 0 else (after, before)
        for binary in order:
            case, add, report, search = one_round(binary)
            results[binary].append((add, report, search))
            if binary == after:
                last_case = case
    med = {b: [statistics.median(r[i] for r in results[b]) for i in range(3)] for b in results}
    pages = len(os.listdir(PAGES))
    print(f"| what | before | after | after/before |")
    print("|---|---|---|---|")
    names = [f"`add` of the {pages} pages (files/s)", "`report` (s, process start included)",
             "`search army` (s, process start included)"]
    for i, name in enumerate(names):
        b, a = med[before][i], med[after][i]
        if i == 0:
            print(f"| {name} | {pages / b:.1f} | {pages / a:.1f} | {(pages / a) / (pages / b):.2f} |")
        else:
            print(f"| {name} | {b:.3f} | {a:.3f} | {a / b:.2f} |")
    print()
    print("| query, after binary | idle (s) | with a writer adding (s) | runs while busy |")
    print("|---|---|---|---|")
    for name, (idle, during, count) in busy(after, last_case).items():
        shown = f"{during:.3f}" if during is not None else "-"
        print(f"| {name} | {idle:.3f} | {shown} | {count} |")


if __name__ == "__main__":
    main()
