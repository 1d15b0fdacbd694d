"""What an upload really is: ``sniff_content_type`` reads the bytes, not the name."""

import io
import zipfile

import pytest

from guanxi.core.uploads import SNIFF_BYTES, sniff_content_type

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
UTF8_CSV = "名称,城市\n阿里巴巴,杭州\n腾讯,深圳\n".encode()
GBK_CSV = "名称,城市\n阿里巴巴,杭州\n腾讯,深圳\n".encode("gbk")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def _utf8_cut_in_a_character() -> bytes:
    """The first SNIFF_BYTES of a long UTF-8 CSV, ending inside a 3-byte character."""
    text = ("客户名称,城市,备注\n" * 3000).encode()
    head = text[:SNIFF_BYTES]
    with pytest.raises(UnicodeDecodeError):
        head.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        head.decode("gb18030")
    return head


def _ascii_then_cut_emoji() -> bytes:
    """The first SNIFF_BYTES of a text ending inside a 4-byte character after ASCII."""
    head = ("a" * (SNIFF_BYTES - 2) + "😀").encode()[:SNIFF_BYTES]
    with pytest.raises(UnicodeDecodeError):
        head.decode("utf-8")
    return head


def _gbk_cut_in_a_character() -> bytes:
    """The first SNIFF_BYTES of a long GBK CSV, ending on the lead byte of a character."""
    text = ("a" + "客户" * 5000).encode("gbk")  # 1 + 2n bytes: byte 8191 is a lead byte
    head = text[:SNIFF_BYTES]
    with pytest.raises(UnicodeDecodeError):
        head.decode("gb18030")
    return head


@pytest.mark.parametrize(
    ("head", "filename", "expected"),
    [
        (PNG, "logo.png", "image/png"),
        (PNG, "logo.txt", "image/png"),  # the bytes decide, not the name
        (JPEG, "photo.jpg", "image/jpeg"),
        (GIF, "anim.gif", "image/gif"),
        (PDF, "contract.pdf", "application/pdf"),
        (PDF, "contract", "application/pdf"),
        (_zip(), "archive.zip", "application/zip"),
        (UTF8_CSV, "客户.csv", "text/csv"),
        (GBK_CSV, "customers.csv", "text/csv"),
        (UTF8_CSV, "LIST.CSV", "text/csv"),
        (b"plain notes\r\nline two\n", "notes.txt", "text/plain"),
        (b"# Heading\n\n- item\n", "README.md", "text/plain"),
        ("备注：请尽快回复".encode("gbk"), "备注.txt", "text/plain"),
        (_ascii_then_cut_emoji(), "long.txt", "text/plain"),
    ],
    ids=[
        "png",
        "png-named-txt",
        "jpeg",
        "gif",
        "pdf",
        "pdf-without-extension",
        "zip",
        "utf8-csv",
        "gbk-csv",
        "uppercase-extension",
        "txt",
        "markdown",
        "gbk-txt",
        "head-cut-in-a-character-after-ascii",
    ],
)
def test_accepted_file_gets_the_content_type_of_its_bytes(head, filename, expected):
    assert sniff_content_type(head, filename) == expected


@pytest.mark.parametrize(
    ("head", "filename"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "page.txt"),
        (b"<html><body>hi</body></html>", "page.txt"),
        (b"  \n\t<HTML><BODY>hi</BODY></HTML>", "page.csv"),
        (b"<script>alert(document.cookie)</script>", "notes.md"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image.svg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image.txt"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image.txt"),
        (b"<html><body>hi</body></html>", "page.html"),
        (ELF, "tool"),
        (ELF, "tool.txt"),
        (EXE, "setup.exe"),
        (EXE, "invoice.pdf"),
        (b"just text", "run.exe"),
        (b"just text", "notes"),
        (b"col1,col2\n\x00\x01\x02", "data.csv"),
        (b"\x80\xff\xfe\x81\xff\xfe\x80\xff\xfe\x81\xff\xfe", "binary.txt"),
    ],
    ids=[
        "html-doctype-named-txt",
        "html-named-txt",
        "html-after-whitespace-named-csv",
        "script-named-md",
        "svg",
        "svg-named-txt",
        "xml-svg-named-txt",
        "html",
        "elf",
        "elf-named-txt",
        "exe",
        "exe-named-pdf",
        "text-named-exe",
        "text-without-extension",
        "nul-bytes-named-csv",
        "undecodable-bytes-named-txt",
    ],
)
def test_refused_file_gets_no_content_type(head, filename):
    assert sniff_content_type(head, filename) is None


def test_utf8_chinese_csv_whose_head_ends_inside_a_character_is_accepted():
    assert sniff_content_type(_utf8_cut_in_a_character(), "customers.csv") == "text/csv"


def test_gbk_csv_whose_head_ends_inside_a_character_is_accepted():
    assert sniff_content_type(_gbk_cut_in_a_character(), "customers.csv") == "text/csv"


@pytest.mark.parametrize(
    "head",
    [
        b"\xef\xbb\xbf<html><body><script>alert(1)</script></body></html>",
        b"<body onload=alert(1)>",
        b"<!-- note --><script>alert(1)</script>",
        b"<iframe src=javascript:alert(1)></iframe>",
    ],
    ids=["bom-then-html", "body", "comment-then-script", "iframe"],
)
def test_html_in_other_disguises_is_refused(head):
    assert sniff_content_type(head, "page.txt") is None
