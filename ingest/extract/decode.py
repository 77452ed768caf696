"""Bytes to text: BOMs, valid UTF-8, declared charsets, a detector's guess; binary refused."""

from __future__ import annotations

import codecs
import re

from core.errors import ExtractionError

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC = ((b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
          (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP/Office archive"),
          (b"\x1f\x8b", "gzip archive"), (b"\x7fELF", "executable"))
_CONTROL_BYTES = (*range(1, 9), 11, *range(14, 32), 127)  # never in text encodings we accept
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def decode_text(data: bytes, content_type: str | None = None, html: bool = False) -> str:
    """BOM, valid UTF-8, the declared charset, charset-normalizer's guess, cp1252, latin-1.

    Valid UTF-8 beats a declared charset because multi-byte UTF-8 almost never happens by
    accident, while stale `charset=` labels are common; a failing label is ignored, so
    Latin-1 text labelled utf-8 still comes out readable instead of full of U+FFFD.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _check_controls(data.decode(codec, errors="replace"))
    _check_binary(data)
    for codec in ["utf-8", *_declared(data, content_type, html), *_guess(data), "cp1252"]:
        try:
            return _check_controls(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    return _check_controls(data.decode("latin-1"))  # maps every byte; never fails


def _guess(data: bytes) -> list[str]:
    """charset-normalizer's best codec; decoded strictly by us, its text is not trusted."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return [best.encoding] if best is not None else []


def _declared(data: bytes, content_type: str | None, html: bool) -> list[str]:
    labels = re.findall(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    if html:
        labels += [m.decode("ascii", "ignore") for m in _META_CHARSET.findall(data[:4096])]
    # WHATWG: latin-1/ascii labels mean windows-1252 (curly quotes live in 0x80-0x9F).
    alias = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
    return [alias.get(label.lower(), label) for label in labels]


def _check_binary(data: bytes) -> None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            raise ExtractionError(f"binary content, not HTML/text: {name} signature")
    if b"\x00" in data[:8192]:
        raise ExtractionError("binary content, not HTML/text: NUL bytes")
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls > len(sample) * 0.02:
        raise ExtractionError(f"binary content, not HTML/text: {controls} control bytes")


def _check_controls(text: str) -> str:
    sample = text[:65536]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\x7f")
    if sample and controls / len(sample) > 0.02:
        raise ExtractionError(f"binary content, not HTML/text: {controls} control characters")
    return text
