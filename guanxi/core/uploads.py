"""What an uploaded file really is: its type read from its bytes, not from its name.

Only document, image, audio and video types a CRM needs are accepted; anything a
browser could run (HTML, SVG, scripts, executables) is refused whatever its name says.
"""

from __future__ import annotations

import codecs
from pathlib import PurePath

import filetype

ACCEPTED = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/bmp",
        "image/tiff",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/rtf",
        "application/zip",
        "audio/mpeg",
        "audio/mp4",
        "audio/x-wav",
        "audio/amr",
        "audio/aac",
        "audio/ogg",
        "video/mp4",
        "video/quicktime",
        "video/webm",
    }
)
# Files with no magic number: accepted by extension when the bytes are plain text.
TEXT_EXTENSIONS = {".txt": "text/plain", ".csv": "text/csv", ".md": "text/plain"}
SNIFF_BYTES = 8192


def sniff_content_type(head: bytes, filename: str) -> str | None:
    """The accepted content type of a file starting with ``head``, or None if refused."""
    kind = filetype.guess(head[:SNIFF_BYTES])
    if kind is not None:
        return kind.mime if kind.mime in ACCEPTED else None
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_EXTENSIONS and _is_text(head):
        return TEXT_EXTENSIONS[suffix]
    return None


HTML_MARKERS = (b"<html", b"<body", b"<head", b"<script", b"<iframe", b"<svg", b"<!doctype")


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` is text in ``encoding``; a character cut at the end is fine."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _is_text(head: bytes) -> bool:
    """Plain text in UTF-8 or GB18030 (GBK), and nothing a browser would take for markup."""
    if b"\x00" in head:
        return False
    body = head.removeprefix(codecs.BOM_UTF8).lstrip()
    lowered = head.lower()
    if body.startswith(b"<") or any(marker in lowered for marker in HTML_MARKERS):
        return False
    return _decodes(head, "utf-8") or _decodes(head, "gb18030")
