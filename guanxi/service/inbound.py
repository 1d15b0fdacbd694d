"""Reading incoming e-mail: RFC 5322 bytes in, a ``ParsedMail`` out; no database.

Chinese mail arrives in every encoding there is, often mislabelled: GB2312 and GBK
declared parts are read as GB18030 (their superset), an unknown or wrong charset falls
back to UTF-8, then GB18030, then Latin-1, so a message is never refused for its
encoding. Headers are decoded here too (encoded-words in any charset, raw 8-bit header
bytes) rather than trusting the stdlib's strict charset handling.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email
import html
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

# Declared charsets read as another, wider one.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",  # what mailers labelled Latin-1 really send
    "latin1": "cp1252",
    "us-ascii": "utf-8",  # mailers label 8-bit text ASCII; UTF-8 reads ASCII the same
    "ascii": "utf-8",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}
FALLBACK_CHARSETS = ("utf-8", "gb18030")

_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_TICKET_TAG = re.compile(r"\[(T-\d{4}-\d{4,})\]")
# Reply and forward prefixes in English, Chinese (simplified and traditional) and the
# forms Outlook and Foxmail write: "Re:", "RE：", "答复:", "回复：", "转发:", "Fwd:"...
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:re|fw|fwd|aw|wg|sv|答复|回复|回覆|转发|轉寄|转寄|轉發)\s*(?:\[\d+\])?\s*[:：]\s*",
    re.IGNORECASE,
)


class MailParseError(ValueError):
    """The bytes are not an e-mail message we can read (no headers, no sender)."""


@dataclass(frozen=True)
class MailAttachment:
    """A file that came with the message."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    """What routing needs of one message; addresses lower-cased, message ids with their
    angle brackets (``<id@host>``), as Guanxi stores its own."""

    from_name: str
    from_address: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    # Envelope recipients the MTA recorded (Delivered-To, X-Original-To, Envelope-To).
    delivered_to: tuple[str, ...]
    subject: str
    text: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    attachments: tuple[MailAttachment, ...] = ()
    date: datetime | None = None
    # An auto-reply, bounce or list mail (RFC 3834 Auto-Submitted, Precedence: bulk...).
    is_automatic: bool = False

    @property
    def reply_text(self) -> str:
        """The text without the quoted history below the reply marker."""
        return strip_quoted(self.text)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message ids this message answers, the closest first: In-Reply-To, then
        References from the newest."""
        seen: dict[str, None] = {}
        for value in (*self.in_reply_to, *reversed(self.references)):
            seen.setdefault(value, None)
        return tuple(seen)

    @property
    def ticket_numbers(self) -> tuple[str, ...]:
        """Ticket numbers written in the subject as ``[T-2026-0001]``."""
        return tuple(_TICKET_TAG.findall(self.subject))

    @property
    def clean_subject(self) -> str:
        """The subject without reply/forward prefixes and ticket tags."""
        return clean_subject(self.subject)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the message was to, copied to or delivered to."""
        seen: dict[str, None] = {}
        for value in (*self.to, *self.cc, *self.bcc, *self.delivered_to):
            seen.setdefault(value, None)
        return tuple(seen)


# --- charsets ---------------------------------------------------------------------------


def codec_for(charset: str | None) -> str | None:
    """The Python codec to read a declared charset with, or None if unknown."""
    name = (charset or "").strip().strip("\"'").lower()
    if not name:
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of ``data`` in its declared charset (widened), else the first fallback that
    reads it without error, else Latin-1 (which reads anything)."""
    tried: list[str] = []
    for name in (codec_for(charset), *FALLBACK_CHARSETS):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    declared = codec_for(charset)
    if declared is not None:
        return data.decode(declared, errors="replace")
    return data.decode("cp1252", errors="replace")


def _unescape_raw(text: str) -> str:
    """A header value as parsed (8-bit bytes kept as surrogates) read as real text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return decode_bytes(text.encode("ascii", errors="surrogateescape"))


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        payload = payload + "=" * (-len(payload) % 4)
        try:
            return base64.b64decode(payload)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", errors="replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def decode_header_text(value: str | None) -> str:
    """A header's text: RFC 2047 encoded-words decoded in their (widened) charset, raw
    8-bit bytes read as UTF-8 or GB18030, folding removed.

    Adjacent encoded-words in one charset are joined before decoding, because mailers
    split multi-byte characters across them."""
    if not value:
        return ""
    text = _unescape_raw(str(value))
    text = re.sub(r"\r?\n[ \t]+", " ", text)
    parts: list[str] = []
    pending: tuple[str | None, bytearray] | None = None
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if pending is not None and between.strip():
            parts.append(decode_bytes(bytes(pending[1]), pending[0]))
            pending = None
        if pending is None:
            parts.append(between)
        charset = match.group(1)
        chunk = _word_bytes(match.group(2), match.group(3))
        if pending is not None and pending[0] == charset.lower():
            pending[1].extend(chunk)
        else:
            if pending is not None:
                parts.append(decode_bytes(bytes(pending[1]), pending[0]))
            pending = (charset.lower(), bytearray(chunk))
        position = match.end()
    if pending is not None:
        parts.append(decode_bytes(bytes(pending[1]), pending[0]))
    parts.append(text[position:])
    return " ".join("".join(parts).split())


def clean_subject(subject: str) -> str:
    """``Re: 答复: [T-2026-0001] 打印机`` -> ``打印机``."""
    text = _TICKET_TAG.sub(" ", subject)
    previous = None
    while previous != text:
        previous = text
        text = _SUBJECT_PREFIX.sub("", text).strip()
    return " ".join(text.split())


# --- headers ----------------------------------------------------------------------------


def _raw_headers(message: Message, name: str) -> list[str]:
    lowered = name.lower()
    return [str(value) for key, value in message.raw_items() if key.lower() == lowered]


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of the named headers, in order."""
    raw = [value for name in names for value in _raw_headers(message, name)]
    found: list[tuple[str, str]] = []
    for display, address in getaddresses([_unescape_raw(value) for value in raw]):
        address = address.strip().strip("<>").lower()
        if "@" in address:
            found.append((decode_header_text(display).strip("\"' "), address))
    return found


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<id>`` tokens of a Message-ID, In-Reply-To or References header; a bare id
    (some mailers drop the brackets) is taken whole."""
    text = str(value or "").strip()
    found = [f"<{token}>" for token in _MSG_ID.findall(text)]
    if not found and text and " " not in text and "@" in text:
        found = [f"<{text.strip('<>')}>"]
    return _unique(found)


def _header_ids(message: Message, name: str) -> tuple[str, ...]:
    return _unique([i for value in _raw_headers(message, name) for i in message_ids(value)])


def _is_automatic(message: Message, sender: str) -> bool:
    auto = " ".join(_raw_headers(message, "Auto-Submitted")).strip().lower()
    precedence = " ".join(_raw_headers(message, "Precedence")).strip().lower()
    if auto and auto != "no":
        return True
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return True
    if _raw_headers(message, "X-Autoreply") or _raw_headers(message, "X-Autorespond"):
        return True
    if message.get_content_type() == "multipart/report":  # delivery reports (bounces)
        return True
    local = sender.split("@", 1)[0]
    return local in ("mailer-daemon", "postmaster")


def _date(message: Message) -> datetime | None:
    values = _raw_headers(message, "Date")
    if not values:
        return None
    try:
        return parsedate_to_datetime(values[0].strip())
    except (TypeError, ValueError, IndexError):
        return None


# --- bodies -----------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML body, paragraphs and line breaks kept as new lines."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "pre", "hr", "ul", "ol", "section", "article", "header", "footer"}
    )  # fmt: skip
    HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text of an HTML mail body: tags dropped, entities read, blank runs closed."""
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # malformed markup the parser gives up on
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    lines = (
        " ".join(line.replace("\xa0", " ").split()) for line in "".join(parser.parts).split("\n")
    )
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _part_text(part: Message) -> str:
    return decode_bytes(_payload(part), part.get_content_charset()).replace("\r\n", "\n")


def _filename(part: Message) -> str:
    """The part's file name: RFC 2231 (``filename*=``) and RFC 2047 (``=?GBK?B?…?=``)
    names decoded, raw 8-bit names read as UTF-8 or GB18030, any directory dropped."""
    name = part.get_filename() or part.get_param("name") or ""
    if isinstance(name, tuple):  # an RFC 2231 value left undecoded
        charset, _language, value = name
        name = decode_bytes(str(value).encode("latin-1", "replace"), str(charset or "") or None)
    name = decode_header_text(str(name))
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _is_attachment(part: Message) -> bool:
    if part.get_content_disposition() == "attachment":
        return True
    if part.get_content_type() in ("text/plain", "text/html"):
        return False
    return bool(part.get_filename() or part.get_param("name"))


def _default_name(part: Message) -> str:
    if part.get_content_type() == "message/rfc822":
        return "message.eml"
    subtype = part.get_content_subtype()
    return f"attachment.{subtype}" if subtype.isalnum() else "attachment"


@dataclass
class _Bodies:
    plain: str = ""
    markup: str = ""
    files: list[MailAttachment] = field(default_factory=list)


def _walk(part: Message, found: _Bodies) -> None:
    """Collect the first text/plain and text/html bodies and the attachments; a
    forwarded message (message/rfc822) is kept whole as an attachment."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        content = inner.as_bytes() if isinstance(inner, Message) else _payload(part)
        name = _filename(part) or _default_name(part)
        found.files.append(MailAttachment(name, "message/rfc822", content))
        return
    if part.is_multipart():
        for child in part.iter_parts() if isinstance(part, EmailMessage) else []:
            _walk(child, found)
        return
    if _is_attachment(part):
        content = _payload(part)
        if content:
            name = _filename(part) or _default_name(part)
            found.files.append(MailAttachment(name, part.get_content_type(), content))
        return
    kind = part.get_content_type()
    if kind == "text/plain" and not found.plain.strip():
        found.plain = _part_text(part)
    elif kind == "text/html" and not found.markup.strip():
        found.markup = _part_text(part)


# --- quoted history ---------------------------------------------------------------------

_MARKERS = (
    re.compile(r"^-{2,}\s*(original message|forwarded message)\s*-{2,}\s*$", re.I),
    re.compile(r"^-{2,}\s*(原始邮件|原始郵件|转发邮件|轉寄郵件)\s*-{2,}\s*$"),
    re.compile(r"^(发件人|寄件者|發件人)\s*[:：]"),
    re.compile(r"写道\s*[:：]\s*$|寫道\s*[:：]\s*$"),  # 在 … 写道： / … 于 … 写道：
    re.compile(r"^On\b.*\bwrote\s*:\s*$", re.I),
)
_ON_START = re.compile(r"^On\b", re.I)
_WROTE_END = re.compile(r"\bwrote\s*:\s*$|写道\s*[:：]\s*$", re.I)
_HEADER_BLOCK_FROM = re.compile(r"^\*?From\s*:", re.I)
_HEADER_BLOCK_NEXT = re.compile(r"^\*?(Sent|Date|To|Subject|发送时间|日期)\s*[:：]", re.I)
_RULE = re.compile(r"^(_{10,}|-{10,})\s*$")


def _marker_at(lines: list[str], index: int) -> bool:
    line = lines[index].strip().replace("\xa0", " ")
    if any(marker.search(line) for marker in _MARKERS):
        return True
    following = [text.strip() for text in lines[index + 1 : index + 4]]
    # "On Mon, 5 Jan 2026, Zhang Wei <zw@example.cn>\nwrote:" wraps in many mailers.
    if _ON_START.match(line) and following and _WROTE_END.search(following[0]):
        return True
    # Outlook's "From: …" block with "Sent:" / "Date:" just below.
    if _HEADER_BLOCK_FROM.match(line):
        return any(_HEADER_BLOCK_NEXT.match(text) for text in following)
    return False


def strip_quoted(text: str) -> str:
    """``text`` above the first reply marker ("On … wrote:", "-----Original Message-----",
    "发件人:", "在 … 写道：", an Outlook "From:/Sent:" block), trailing ``>`` lines
    dropped; the whole text when nothing would be left."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = len(lines)
    for index in range(len(lines)):
        if _marker_at(lines, index):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    if kept and cut < len(lines) and _RULE.match(kept[-1].strip()):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


# --- the message ------------------------------------------------------------------------


def parse_mail(raw: bytes) -> ParsedMail:
    """Read one RFC 5322 message; MailParseError when it has no headers or no sender."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise MailParseError("empty message")
    message = email.message_from_bytes(bytes(raw), policy=policy.default)
    assert isinstance(message, EmailMessage)
    if not list(message.raw_items()):
        raise MailParseError("no headers")
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    if not senders:
        raise MailParseError("no sender address")
    from_name, from_address = senders[0]
    bodies = _Bodies()
    _walk(message, bodies)
    text = bodies.plain.strip() if bodies.plain.strip() else html_to_text(bodies.markup)
    ids = _header_ids(message, "Message-ID")
    return ParsedMail(
        from_name=from_name,
        from_address=from_address,
        to=_unique([a for _n, a in _addresses(message, "To")]),
        cc=_unique([a for _n, a in _addresses(message, "Cc")]),
        bcc=_unique([a for _n, a in _addresses(message, "Bcc")]),
        delivered_to=_unique(
            [a for _n, a in _addresses(message, "Delivered-To", "X-Original-To", "Envelope-To")]
        ),
        subject=decode_header_text(" ".join(_raw_headers(message, "Subject"))),
        text=text,
        message_id=ids[0] if ids else "",
        in_reply_to=_header_ids(message, "In-Reply-To"),
        references=_header_ids(message, "References"),
        attachments=tuple(bodies.files),
        date=_date(message),
        is_automatic=_is_automatic(message, from_address),
    )
