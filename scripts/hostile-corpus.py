#!/usr/bin/env python3
"""Writes casefile's hostile-input corpus (crates/cli/tests/hostile/).

Every file is made up here, deterministically, so the committed corpus can
be made again byte for byte: `python3 scripts/hostile-corpus.py`. The test
crates/cli/tests/hostile.rs runs every command that reads over each file
and expects a clear message naming the file, never a panic or a hang, and
bounded memory.
"""
import gzip
import io
import json
import pathlib
import random

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/cli/tests/hostile"
OUT.mkdir(parents=True, exist_ok=True)

ESC, BEL, RLO, PDF, LRI, PDI = "\x1b", "\x07", "\u202e", "\u202c", "\u2066", "\u2069"
# What an adversary's page would hide: a colour change, a cursor move, a
# window title set through OSC and ended by BEL, a screen clear, a C1 CSI,
# and a right-to-left override that spells a name backwards on screen.
TRAPS = f"{ESC}[31mred{ESC}[0m {ESC}[2A{ESC}]0;owned title{BEL} {ESC}[2J \u009b31m"
SPOOFED = f"Олег {RLO}вокинилаМ{PDF}"


def gz(data: bytes) -> bytes:
    # mtime=0 so that the file is the same on every run.
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(data)
    return buffer.getvalue()


def write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


write("empty.txt", b"")
rng = random.Random(7)
write("binary.bin", bytes(rng.randrange(256) for _ in range(4096)))
write(
    "invalid-utf8.txt",
    "Свидетель рассказал о вербовке в колонии.\n".encode()
    + b"\xff\xfe\xc3\x28 broken \xe2\x82 bytes \xf0\x28\x8c\x28\n"
    + "Их обещали отпустить через полгода.\n".encode(),
)
write(
    "deep-nesting.html.gz",
    gz(b"<html><body>" + b"<div>" * 100_000 + b"deep text" + b"</div>" * 100_000 + b"</body></html>"),
)
attributes = " ".join(f"a{i}=\"{i % 10}\"" for i in range(300_000))
write(
    "many-attributes.html.gz",
    gz(f"<html><body><p {attributes}>One paragraph with very many attributes.</p></body></html>".encode()),
)
# 200 MiB of the same line, which gzip keeps in a few hundred kilobytes:
# far past the readers' 64 MiB limit for a page.
bomb = io.BytesIO()
with gzip.GzipFile(fileobj=bomb, mode="wb", mtime=0, compresslevel=9) as f:
    f.write(b"<html><body><p>")
    chunk = b"a" * (1 << 20)
    for _ in range(200):
        f.write(chunk)
    f.write(b"</p></body></html>")
write("bomb.html.gz", bomb.getvalue())

write(
    "truncated-export.json",
    '{"name": "Канал", "type": "public_channel", "id": 5, "messages": [\n'
    ' {"id": 1, "type": "message", "date": "2024-05-01T10:00:00", "text": "Первое сообщение"},\n'
    ' {"id": 2, "type": "message", "date": "2024-05-01T10:05:00", "text": "Второе сообщ'.encode(),
)
write(
    "wrong-types.json",
    json.dumps(
        {
            "name": 42,
            "type": ["not", "a", "type"],
            "id": "nine",
            "messages": [
                {"id": "one", "type": "message", "date": 17, "text": 5},
                {"id": 2, "type": "message", "date_unixtime": "soon", "text": [{"type": 3}, None, 7]},
                {"id": 3.5, "type": "message", "from": {"nested": True}, "text": "plain words"},
                "a string where a message should be",
            ],
        },
        ensure_ascii=False,
    ).encode(),
)
write(
    "deep-nesting.json",
    b'{"name": "Deep", "messages": [{"id": 1, "type": "message", "text": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}]}",
)


def record(headers: list[str], body: bytes, length: str | None = None) -> bytes:
    lines = ["WARC/1.1"] + headers
    lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body + b"\r\n\r\n"


page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Captured page.</p></body></html>"
write(
    "lying-lengths.warc",
    record(["WARC-Type: warcinfo", "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>"], b"software: hostile")
    + record(
        [
            "WARC-Type: response",
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>",
            "WARC-Target-URI: https://example.org/short",
        ],
        page,
        length=str(len(page) - 20),
    )
    + record(
        [
            "WARC-Type: response",
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000003>",
            "WARC-Target-URI: https://example.org/negative",
        ],
        page,
        length="-5",
    )
    + record(
        [
            "WARC-Type: response",
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000004>",
            "WARC-Target-URI: https://example.org/huge",
        ],
        page,
        length="99999999999999999999",
    ),
)
write(
    "huge-length.warc",
    record(
        [
            "WARC-Type: response",
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000005>",
            "WARC-Target-URI: https://example.org/past-the-end",
        ],
        page,
        length=str(1 << 40),
    ),
)
write(
    "control-characters.html",
    (
        f"<!DOCTYPE html><html><head><title>Report {TRAPS} {SPOOFED}</title>"
        f'<meta name="author" content="{ESC}[5mBlinking Author{ESC}[0m"></head><body><article>'
        f"<h1>Headline {ESC}]0;title{BEL}</h1>"
        f"<p>Recruiter {SPOOFED} met the men in the colony in October 2023 {TRAPS}.</p>"
        f"<p>Alexei {RLO}ykiD{PDF} said that about 500 people were promised amnesty after six months. {LRI}isolate{PDI}</p>"
        "</article></body></html>"
    ).encode(),
)
write(
    "control-characters.json",
    json.dumps(
        {
            "name": f"Канал {ESC}[31mкрасный{ESC}[0m {RLO}лаканmorf{PDF}",
            "type": "public_channel",
            "id": 77,
            "messages": [
                {
                    "id": 1,
                    "type": "message",
                    "date": "2024-05-01T10:00:00",
                    "date_unixtime": "1714557600",
                    "from": f"{SPOOFED} {ESC}]0;title{BEL}",
                    "text": f"Командир {SPOOFED} обещал амнистию через полгода. {TRAPS}",
                }
            ],
        },
        ensure_ascii=False,
    ).encode(),
)
print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")
