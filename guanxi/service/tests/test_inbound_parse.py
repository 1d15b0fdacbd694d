"""Reading incoming mail: real RFC 5322 messages (guanxi/service/tests/mail/) in GBK,
GB18030, GB2312 (mislabelled), UTF-8, base64 and quoted-printable."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from guanxi.service.inbound import (
    MailParseError,
    clean_subject,
    codec_for,
    decode_bytes,
    decode_header_text,
    html_to_text,
    parse_mail,
    strip_quoted,
)

MAIL = Path(__file__).parent / "mail"


def read(name: str) -> bytes:
    return (MAIL / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "from_name", "from_address", "subject", "text"),
    [
        (
            "gbk_new_ticket.eml",
            "张伟",
            "zhang.wei@example.cn",
            "打印机无法打印（急）",
            "你好，\n\n我们的打印机从昨天开始无法打印，屏幕显示错误代码 E-05。\n"
            "请尽快派人来看看。\n\n张伟\n北京远景贸易有限公司",
        ),
        (
            "gb18030_qp.eml",
            "欧阳娜娜",
            "nana.ouyang@example.cn",
            "发票抬头需要修改：𠮷野家",
            "您好：\n\n请把发票抬头改为“𠮷野家餐饮管理有限公司”，联系人王䶮。\n谢谢！",
        ),
        (
            "gb2312_mislabelled.eml",
            "王堃",
            "wang.kun@example.cn",
            "退货申请：王堃",
            "朱镕基路 88 号的王堃先生要求退货。",
        ),
        (
            "utf8_multipart_pdf.eml",
            "李娜",
            "li.na@example.com",
            "关于合同报价的问题",
            "李经理您好：\n\n附件是我们的采购需求和报价单，请确认合同条款。\n\n祝好\n李娜",
        ),
        (
            "html_only_qp.eml",
            "陈静",
            "chen.jing@example.cn",
            "账号无法登录",
            "您好，\n\n我们的账号无法登录，提示“密码错误”。\n\n陈 静",
        ),
        (
            "outlook_reply_subject_only.eml",
            "张伟",
            "zhang.wei@example.cn",
            "答复: [T-2026-0001] 打印机无法打印（急）",
            None,
        ),
    ],
)
def test_chinese_subjects_names_and_bodies_decode_exactly(
    name, from_name, from_address, subject, text
):
    mail = parse_mail(read(name))

    assert (mail.from_name, mail.from_address, mail.subject) == (from_name, from_address, subject)
    if text is not None:
        assert mail.text == text


def test_gb2312_declared_text_with_gbk_characters_reads_as_gb18030():
    """镕 and 堃 are GBK, not GB2312: a strict GB2312 decoder fails on them."""
    raw = read("gb2312_mislabelled.eml")
    with pytest.raises(UnicodeDecodeError):
        "朱镕基".encode("gbk").decode("gb2312")

    mail = parse_mail(raw)

    assert "\ufffd" not in mail.text + mail.subject + mail.from_name


def test_plain_text_is_preferred_to_the_html_alternative():
    mail = parse_mail(read("utf8_multipart_pdf.eml"))

    assert "<b>" not in mail.text
    assert mail.text.startswith("李经理您好：")


def test_html_only_mail_is_stripped_to_text_without_scripts():
    mail = parse_mail(read("html_only_qp.eml"))

    assert "alert" not in mail.text
    assert "<div>" not in mail.text


def test_attachments_keep_bytes_type_and_rfc2231_chinese_name():
    mail = parse_mail(read("utf8_multipart_pdf.eml"))

    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("报价单 2026.pdf", "application/pdf"),
        ("setup.exe", "application/octet-stream"),
    ]
    assert mail.attachments[0].content.startswith(b"%PDF-1.4")


def test_rfc2047_encoded_attachment_name_is_decoded():
    mail = parse_mail(read("reply_to_crm_email.eml"))

    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("需求清单.txt", "text/plain")
    ]
    assert mail.attachments[0].content.decode("utf-8") == "1. 五十台打印机\n2. 三年保修\n"


def test_thread_headers_closest_reference_first():
    mail = parse_mail(read("reply_to_ticket.eml"))

    assert mail.message_id == "<reply-0001@mail.example.cn>"
    assert mail.in_reply_to == ("<ticket-reply-1@guanxi.example>",)
    assert mail.references == ("<gbk-0001@mail.example.cn>", "<ticket-reply-1@guanxi.example>")
    assert mail.thread_ids == ("<ticket-reply-1@guanxi.example>", "<gbk-0001@mail.example.cn>")


def test_quoted_history_is_stripped_from_the_reply_text():
    assert parse_mail(read("reply_to_ticket.eml")).reply_text == "已经换了新的墨盒，还是不行。"
    assert parse_mail(read("outlook_reply_subject_only.eml")).reply_text == (
        "问题已经解决了，谢谢！\n\n张伟"
    )
    assert parse_mail(read("reply_to_crm_email.eml")).reply_text == (
        "李先生您好，\n\n感谢介绍，我们对新产品很感兴趣，请下周安排一次演示。\n需求清单见附件。\n\n王芳"
    )


def test_ticket_number_and_clean_subject_of_an_outlook_reply():
    mail = parse_mail(read("outlook_reply_subject_only.eml"))

    assert mail.ticket_numbers == ("T-2026-0001",)
    assert mail.clean_subject == "打印机无法打印（急）"


def test_recipients_date_and_delivered_to():
    mail = parse_mail(read("bcc_logged.eml"))

    assert mail.to == ("wang.fang@acme.example",)
    assert mail.cc == ("someone.else@unknown.example",)
    assert mail.delivered_to == ("crm-log@guanxi.example",)
    assert mail.date == datetime(2026, 1, 7, 1, 0, tzinfo=UTC)
    assert mail.is_automatic is False


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Thanks!\n\nOn Mon, 5 Jan 2026 at 10:00, Li Wei <l@x.cn> wrote:\n> hi", "Thanks!"),
        ("Thanks!\nOn Mon, 5 Jan 2026 at 10:00, Li Wei <l@x.cn>\nwrote:\n> hi", "Thanks!"),
        ("OK\n\n-----Original Message-----\nFrom: A\nSent: B\n\nold", "OK"),
        ("好的\n\n------------------ 原始邮件 ------------------\n发件人: A\n旧内容", "好的"),
        ("好的\n\n发件人: 客服 <s@x.cn>\n发送时间: 2026年1月6日\n旧内容", "好的"),
        ("收到\n\n在 2026年1月5日 10:00，张伟 <z@x.cn> 写道：\n> 旧内容", "收到"),
        ("收到\n\n张伟 <z@x.cn> 于2026年1月5日周一 10:00写道：\n> 旧内容", "收到"),
        ("Fine.\n________________________________\nFrom: A\nSent: Monday\nold", "Fine."),
        ("From: the start we agreed on a price.\nStill valid?", None),
        ("no markers\n> a quote at the end", "no markers"),
    ],
)
def test_strip_quoted_cuts_at_reply_markers(text, kept):
    assert strip_quoted(text) == (kept if kept is not None else text)


def test_strip_quoted_keeps_everything_when_the_marker_comes_first():
    text = "On Mon, 5 Jan 2026, A <a@x.cn> wrote:\n> question\nanswer below"

    assert strip_quoted(text) == text


def test_encoded_words_split_inside_a_character_are_joined():
    value = "=?UTF-8?Q?=E4=BD?= =?UTF-8?Q?=A0=E5=A5=BD?= world"

    assert decode_header_text(value) == "你好 world"


def test_header_decoding_survives_unknown_and_lying_charsets():
    gbk = "打印机".encode("gbk")
    lying = f"=?utf-8?B?{base64.b64encode(gbk).decode()}?="
    unknown = f"=?x-no-such-charset?B?{base64.b64encode('打印机'.encode()).decode()}?="

    assert decode_header_text(lying) == "打印机"
    assert decode_header_text(unknown) == "打印机"


def test_raw_8bit_gbk_subject_header_is_read():
    raw = b"From: a@example.cn\r\nSubject: " + "发票".encode("gbk") + b"\r\n\r\nhi\r\n"

    assert parse_mail(raw).subject == "发票"


@pytest.mark.parametrize(
    ("declared", "codec"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("utf-8", "utf-8"),
     ("nonsense", None), ("", None)],
)  # fmt: skip
def test_declared_charsets_map_to_codecs(declared, codec):
    assert codec_for(declared) == codec


def test_undecodable_bytes_fall_back_without_crashing():
    assert decode_bytes("价格".encode("gb18030"), "utf-8") == "价格"
    assert decode_bytes(b"\xff\xfe\xfa", "us-ascii") == "\ufffd\ufffd\ufffd"
    assert decode_bytes(b"caf\xe9", None) == "café"


def test_html_to_text_keeps_paragraphs_and_reads_entities():
    assert html_to_text("<p>A&amp;B</p><p>C<br>D</p><style>x{}</style>") == "A&B\n\nC\nD"


def test_reply_prefixes_in_chinese_and_english_are_removed():
    assert clean_subject("RE：回复: Fwd: [T-2026-0012] 发票") == "发票"


def test_a_forwarded_message_is_kept_as_an_attachment():
    inner = read("gbk_new_ticket.eml")
    raw = (
        b"From: a@example.cn\r\nSubject: fw\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--b--\r\n"
    )

    mail = parse_mail(raw)

    assert mail.text == "see below"
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("message.eml", "message/rfc822")
    ]


def test_auto_replies_are_flagged():
    raw = b"Auto-Submitted: auto-replied\r\n" + read("gbk_new_ticket.eml")

    assert parse_mail(raw).is_automatic is True


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"hello world", b"\x00\x01 binary", b"Subject: no sender\r\n\r\nbody"],
)
def test_what_is_not_a_message_is_refused(raw):
    with pytest.raises(MailParseError):
        parse_mail(raw)
