"""Decoding text files: UTF-8 when it is UTF-8, else a detected encoding, else Windows-1252.

Detection (charset-normalizer) needs some text to go on: on a few words it guesses wildly
("Caf\\xe9 in Doha" as the Urdu code page cp1006). Short files that aren't UTF-8 are read as
Windows-1252, the usual encoding of such files in English and Western European text, and so
is a longer file where nothing is detected.
"""

from __future__ import annotations

UTF8 = "utf-8"
FALLBACK = "cp1252"
MIN_DETECTION_BYTES = 1024
"""Below this, detection is not tried."""


def decode_text(data: bytes) -> tuple[str, str] | None:
    """The text of `data` and the encoding it was read with, or None when no encoding fits.

    A leading UTF-8 byte-order mark is kept in the text, so offsets stay those of a
    plain UTF-8 read.
    """
    try:
        return data.decode(UTF8), UTF8
    except UnicodeDecodeError:
        pass
    if len(data) >= MIN_DETECTION_BYTES:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding is not None:
            return str(best), best.encoding
    try:
        return data.decode(FALLBACK), FALLBACK
    except UnicodeDecodeError:  # five bytes have no character in Windows-1252
        return None
