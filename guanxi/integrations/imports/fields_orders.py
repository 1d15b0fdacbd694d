"""Import fields of orders (one row per order line) and the conversion of cells that
old systems write in their own way: amounts with separators and currency signs, 8折
discounts, currencies and statuses in Chinese. The order itself is then made by the
ERP sync's ``upsert_order``, which validates it."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from guanxi.integrations.imports.fields import ImportField

ORDERS = "sales.order"

# Given once per order: on its first line, or repeated (identically) on every line.
ORDER_LEVEL = (
    "order_ref",
    "source",
    "account_external_id",
    "account_name",
    "contact_email",
    "contact_phone",
    "order_date",
    "currency",
    "status",
    "notes",
)
ORDER_FIELDS = [
    ImportField("order_ref", _("Order number (groups the lines of one order)")),
    ImportField("source", _("Channel or system (such as shop or erp)")),
    ImportField("account_external_id", _("Customer ID (account's ID in the old system)")),
    ImportField("account_name", _("Customer (account name)")),
    ImportField("contact_email", _("Contact (email)")),
    ImportField("contact_phone", _("Contact (phone)")),
    ImportField("order_date", _("Order date")),
    ImportField("currency", _("Currency")),
    ImportField("status", _("Status (confirmed or cancelled)")),
    ImportField("notes", _("Notes")),
    ImportField("sku", _("Product (SKU)")),
    ImportField("quantity", _("Quantity")),
    ImportField("unit_price", _("Unit price")),
    ImportField("discount_percent", _("Discount (10%, 8折)")),
    ImportField("description", _("Line description")),
    ImportField("line_external_id", _("Line ID in the old system")),
    ImportField("serials", _("Serial numbers (separated by commas)")),
]
ORDER_GUESSES = {
    **dict.fromkeys(
        ("订单号", "订单编号", "单号", "订单", "ordernumber", "orderno", "orderid", "order"),
        "order_ref",
    ),
    **dict.fromkeys(("orderref", "reference", "ref", "externalid", "id"), "order_ref"),
    **dict.fromkeys(("渠道", "销售渠道", "来源", "来源系统", "channel", "source"), "source"),
    **dict.fromkeys(
        ("客户编号", "客户id", "客户代码", "customerid", "customerno", "customernumber"),
        "account_external_id",
    ),
    **dict.fromkeys(("accountid", "accountexternalid", "customercode"), "account_external_id"),
    **dict.fromkeys(
        ("客户", "客户名称", "公司", "公司名称", "customer", "customername", "account"),
        "account_name",
    ),
    **dict.fromkeys(("accountname", "company"), "account_name"),
    **dict.fromkeys(("联系人邮箱", "邮箱", "email", "contactemail"), "contact_email"),
    **dict.fromkeys(
        ("联系人电话", "联系电话", "手机", "电话", "phone", "mobile", "contactphone"),
        "contact_phone",
    ),
    **dict.fromkeys(
        ("订单日期", "下单日期", "下单时间", "日期", "orderdate", "date"), "order_date"
    ),
    **dict.fromkeys(("币种", "货币", "currency"), "currency"),
    **dict.fromkeys(("状态", "订单状态", "status"), "status"),
    **dict.fromkeys(("备注", "notes", "note", "comments"), "notes"),
    **dict.fromkeys(
        ("sku", "货号", "产品编号", "产品编码", "物料编码", "商品编码", "productcode"), "sku"
    ),
    **dict.fromkeys(("code", "itemcode", "product"), "sku"),
    **dict.fromkeys(("数量", "qty", "quantity"), "quantity"),
    **dict.fromkeys(("单价", "价格", "unitprice", "price"), "unit_price"),
    **dict.fromkeys(("折扣", "折扣率", "discount", "discountpercent"), "discount_percent"),
    **dict.fromkeys(
        ("描述", "品名", "产品名称", "商品名称", "description", "productname", "item"),
        "description",
    ),
    **dict.fromkeys(("行号", "lineid", "lineno", "line"), "line_external_id"),
    **dict.fromkeys(("序列号", "serials", "serialnumbers", "sn"), "serials"),
}
STATUS_WORDS = {
    **dict.fromkeys(
        ("已确认", "确认", "已完成", "完成", "已发货", "已付款", "completed", "done", "paid"),
        "confirmed",
    ),
    **dict.fromkeys(("shipped", "confirmed", "confirm"), "confirmed"),
    **dict.fromkeys(
        ("已取消", "取消", "作废", "已作废", "cancelled", "canceled", "void"), "cancelled"
    ),
}
CURRENCY_WORDS = {
    **dict.fromkeys(("人民币", "rmb", "¥", "￥", "元"), "CNY"),
    **dict.fromkeys(("美元", "美金", "$", "us$"), "USD"),
    **dict.fromkeys(("欧元", "€"), "EUR"),
    **dict.fromkeys(("港币", "港元", "hk$"), "HKD"),
    **dict.fromkeys(("日元",), "JPY"),
    **dict.fromkeys(("英镑", "£"), "GBP"),
}
AMOUNT_NOISE = re.compile(r"[,，\s¥￥$€£元]")
ZHE = re.compile(r"^(\d+(?:\.\d+)?)折$")


def amount_text(text: str) -> str:
    """``1,200.50``, ``￥300``, ``300元`` → ``1200.50``, ``300``, ``300`` (the service
    then checks that it is a number)."""
    return AMOUNT_NOISE.sub("", text)


def discount_text(text: str) -> str:
    """``15%`` → ``15``; ``8折`` (pay 80 %) → ``20``, ``85折`` → ``15``, ``8.5折`` → ``15``."""
    value = amount_text(text).replace("％", "%").rstrip("%")
    match = ZHE.match(value)
    if match is None:
        return value
    paid = float(match.group(1))
    paid = paid * 10 if paid < 10 else paid
    return f"{100 - paid:g}" if 0 < paid <= 100 else value


def status_code(text: str) -> str:
    """confirmed or cancelled from English or Chinese words (default confirmed; other
    text is passed on for the service to refuse)."""
    value = text.strip()
    return STATUS_WORDS.get(value.lower(), value) if value else "confirmed"


def currency_code(text: str) -> str:
    """An ISO code from 人民币, RMB, ¥, 美元 … (other text is passed on, upper-cased)."""
    value = text.strip()
    return CURRENCY_WORDS.get(value.lower(), value.upper())
