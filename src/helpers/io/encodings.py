"""How an export's CSV files write their text: the encoding and the delimiter, found from the
files themselves when the config does not say.

Accounting and CRM systems write CSV in their country's way: UTF-8, UTF-16 ("Unicode text"),
cp1252 or GB18030; commas, semicolons or tabs. The encoding is found with charset-normalizer
among the encodings exports are written in, the delimiter with the standard library's CSV
sniffer. Where the files cannot tell (text that reads as both cp1252 and GB18030), the answer is
a ``DetectionError`` asking for the setting in the config: a guess that could be wrong is never
made silently.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from helpers.io.formats import DetectionError

# The encodings an export is detected in, besides UTF-8 and UTF-16 (found by their marks).
LEGACY_ENCODINGS = ("cp1252", "gb18030")
DELIMITERS = ",;\t|"
# Files that arrive named .csv but are something else, by their first bytes.
NOT_TEXT = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook (give the .xlsx file as the export)",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook (save it as .xlsx or CSV)",
    b"%PDF": "a PDF document",
    b"PAR1": "a Parquet file (name it .parquet)",
}
SAMPLE_BYTES = 1 << 20  # the head of a file looked at to tell its encoding and delimiter
CHAOS_MARGIN = 0.01  # readings this close in charset-normalizer's "chaos" are equally good
MIN_EVIDENCE_BYTES = 8  # bytes outside ASCII below which a legacy encoding is not guessed


@dataclass(frozen=True)
class TextLayout:
    """How one CSV file was read: its encoding and delimiter, and whether each was found
    from the file (``True``) or given by the config."""

    encoding: str
    delimiter: str
    encoding_detected: bool = False
    delimiter_detected: bool = False

    def describe(self) -> str:
        """``cp1252 (detected), semicolon``: for the report's list of files read."""
        name = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(
            self.encoding, self.encoding
        )
        found = " (detected)" if self.encoding_detected else ""
        return f"{name}{found}, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}"


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


def certain_encoding(head: bytes) -> str | None:
    """UTF-8 or UTF-16 when a file's byte-order mark or bytes leave no doubt; ``None`` when
    it is in a legacy encoding. Raises ``DetectionError`` for a file that is not text."""
    for magic, what in NOT_TEXT.items():
        if head.startswith(magic):
            raise DetectionError(f"the file is {what}, not CSV text")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:  # ASCII as UTF-16LE, no mark
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
        return "utf-16-be"
    if head.count(0) * 100 > len(head):
        # Text holds no NUL; a stray one in a name is refused by its row (checks.py).
        raise DetectionError("the file is not text (it holds NUL bytes): is it a CSV export?")
    if _decodes(head, "utf-8"):
        return "utf-8-sig"
    text = head.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if sum(not char.isascii() for char in text) - broken > broken:
        # More letters read as UTF-8 than bytes that do not: UTF-8 with a damaged byte, which
        # a legacy encoding would read without a word, garbling every other letter.
        error = _utf8_error(head)
        raise DetectionError(
            f"byte 0x{head[error.start]:02X} is not UTF-8, though the rest of the file is: "
            "correct that row, or save the file again as UTF-8",
            row=head.count(b"\n", 0, error.start) + 1,
        )
    return None


def _utf8_error(data: bytes) -> UnicodeDecodeError:
    """Where ``data`` first fails to read as UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error
    raise ValueError("the data reads as UTF-8")


def legacy_encoding(sample: bytes) -> str:
    """The one legacy encoding (cp1252 or GB18030) in which ``sample`` reads as words rather
    than noise. One system writes every file of an export alike, so ``sample`` should hold
    the heads of all its files that are not UTF: more text tells more. When both encodings
    read it equally well, the names would be garbled by a wrong pick, so ``DetectionError``
    asks for the encoding instead."""
    matches = list(from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)))
    if not matches:
        raise DetectionError(
            "the text is not UTF-8, UTF-16, cp1252 or GB18030: set export.encoding in the "
            "config to the encoding your system writes"
        )
    best = min(match.chaos for match in matches)
    readings = {str(match) for match in matches if match.chaos <= best + CHAOS_MARGIN}
    # Too few letters outside ASCII to judge by: both readings stand if both decode.
    if sum(byte > 0x7F for byte in sample) < MIN_EVIDENCE_BYTES:
        readings |= {
            sample.decode(encoding) for encoding in LEGACY_ENCODINGS if _decodes(sample, encoding)
        }
    if len(readings) > 1:
        raise DetectionError(
            "the text reads as both cp1252 (Western European Windows) and GB18030 (Chinese): "
            'set encoding under [export] in the config, e.g. encoding = "gb18030"'
        )
    chosen = min(matches, key=lambda match: match.chaos)
    return codecs.lookup(chosen.encoding).name


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        # A character cut off at the end of a sample is not a wrong encoding.
        return len(data) >= SAMPLE_BYTES and error.start > len(data) - 4
    return True


def detect_delimiter(text: str) -> str:
    """The delimiter of CSV ``text`` (its first lines): comma, semicolon, tab or bar."""
    lines = text.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_heads(paths: Iterable[Path]) -> dict[str, bytes]:
    """The first ``SAMPLE_BYTES`` of each file, by file name."""
    heads = {}
    for path in paths:
        with path.open("rb") as handle:
            heads[path.name] = handle.read(SAMPLE_BYTES)
    return heads


def text_layouts(
    heads: Mapping[str, bytes], encoding: str | None, delimiter: str | None
) -> tuple[dict[str, TextLayout], dict[str, str | DetectionError]]:
    """How each CSV file of one export is read, by file name, from its head: the encoding
    and delimiter given, or found (``file_encodings``, the CSV sniffer); and, by file name,
    why a file's encoding cannot be told."""
    if encoding:
        encodings, problems = dict.fromkeys(heads, encoding), {}
    else:
        encodings, problems = file_encodings(heads)
    layouts = {
        name: TextLayout(
            found,
            delimiter or detect_delimiter(heads[name].decode(found, errors="ignore")),
            encoding_detected=not encoding,
            delimiter_detected=not delimiter,
        )
        for name, found in encodings.items()
    }
    return layouts, problems


def file_encodings(
    heads: Mapping[str, bytes],
) -> tuple[dict[str, str], dict[str, str | DetectionError]]:
    """The encoding of each file of one export, by file name, from its head: UTF is found per
    file; the files in a legacy encoding are judged together, as one system usually writes
    them all, and a file that on its own reads clearly in the other legacy encoding is named
    instead. Also returns, by file name (or names), why an encoding cannot be told; when any
    cannot, no legacy encoding is guessed."""
    encodings: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, head in heads.items():
        try:
            found = certain_encoding(head)
        except DetectionError as error:
            problems[name] = error
            continue
        if found:
            encodings[name] = found
    legacy = [name for name in heads if name not in encodings and name not in problems]
    if not legacy or problems:
        return encodings, problems
    sample = b"\n".join(heads[name][: SAMPLE_BYTES // len(legacy)] for name in legacy)
    try:
        together = legacy_encoding(sample)
    except DetectionError as error:
        problems[", ".join(legacy)] = str(error)
        return encodings, problems
    # Two systems may have written the export: a file that on its own reads clearly in the
    # other encoding would be garbled by the export's, so it is named rather than read.
    for name in legacy:
        if sum(byte > 0x7F for byte in heads[name]) < MIN_EVIDENCE_BYTES:
            continue
        try:
            alone = legacy_encoding(heads[name])
        except DetectionError:
            continue  # it cannot tell on its own: the export's files together do
        if alone != together:
            problems[name] = DetectionError(
                f"reads as {alone} on its own, the export's other files as {together}: the "
                "files may come from two systems. Save them all as UTF-8, or set encoding "
                f'under [export] in the config, e.g. encoding = "{together}"'
            )
    if not problems:
        encodings.update(dict.fromkeys(legacy, together))
    return encodings, problems
