"""The source file as CSV records: decoded line by line, so that one badly encoded row is
rejected on its own instead of stopping the run, and with the share of the file read so far
(compressed bytes for `.gz`), so that the progress bar can show a total."""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class SourceFile:
    """Open with `with`; `records()` yields (first line number, values) per CSV record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = os.path.getsize(path)
        self.raw: IO[bytes] = path.open("rb")
        binary: Any = (
            gzip.GzipFile(fileobj=self.raw, mode="rb") if path.suffix == ".gz" else self.raw
        )
        # surrogateescape: a byte that is not UTF-8 becomes a lone surrogate instead of an
        # error that would end the run; `_lines` notices it and the record is rejected.
        self.text = io.TextIOWrapper(
            binary,
            encoding="utf-8-sig",
            errors="surrogateescape",
            newline="",
        )
        self.bad = False  # the record read last had a byte that is not UTF-8

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.text.close()
        self.raw.close()

    def fraction(self) -> float:
        """Share of the file read so far (of the compressed bytes, for `.gz`)."""
        if self.raw.closed or not self.size:
            return 1.0
        return min(1.0, self.raw.tell() / self.size)

    def _lines(self) -> Iterator[str]:
        for line in self.text:
            # Nearly every line is ASCII (one C call); others are encoded back, which fails
            # only on the surrogates that stand for bytes that were not UTF-8.
            if not line.isascii():
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError:
                    self.bad = True
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Each non-blank record with the file line it starts on (the header is line 1).
        Read `bad` right after each record: it tells whether that record was well encoded."""
        reader = csv.reader(self._lines())
        end = 0
        for values in reader:
            line, end = end + 1, reader.line_num
            if values:
                yield line, values
                self.bad = False

    def header(self) -> list[str]:
        """The first record (the column names)."""
        for _line, values in self.records():
            return [clean(v) for v in values]
        return []


def clean(value: Any) -> Any:
    """A value read from a badly encoded record, writable as UTF-8: each byte that was not
    UTF-8 shown as `\\xNN`."""
    if not isinstance(value, str):
        return value
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
