"""Guess which field each column of a file holds, from headers in English or Chinese."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanxi.integrations.imports.fields import ACCOUNTS, CONTACTS, fields_for
from guanxi.integrations.imports.fields_more import ACTIVITIES, LEADS, PRODUCTS
from guanxi.integrations.imports.fields_orders import ORDER_GUESSES, ORDERS

# Normalised header → field, per target. Headers are lower-cased, with spaces, dashes,
# underscores, colons and brackets removed, so "E-mail", "e_mail" and "邮箱：" match.
SHARED = {
    "id": "external_id",
    "编号": "external_id",
    "客户编号": "external_id",
    "externalid": "external_id",
    "省": "province",
    "省份": "province",
    "province": "province",
    "state": "province",
    "市": "city",
    "城市": "city",
    "city": "city",
    "区": "district",
    "区县": "district",
    "县": "district",
    "district": "district",
    "地址": "street",
    "详细地址": "street",
    "街道": "street",
    "address": "street",
    "street": "street",
    "邮编": "postcode",
    "邮政编码": "postcode",
    "postcode": "postcode",
    "zip": "postcode",
    "zipcode": "postcode",
    "postalcode": "postcode",
    "标签": "tags",
    "tags": "tags",
    "tag": "tags",
    "负责人": "owner_email",
    "负责人邮箱": "owner_email",
    "owner": "owner_email",
    "owneremail": "owner_email",
    "等级": "tier",
    "客户等级": "tier",
    "tier": "tier",
    "level": "tier",
    "备注": "description",
    "说明": "description",
    "notes": "description",
    "note": "description",
    "description": "description",
    "comments": "description",
}
GUESSES: dict[str, dict[str, str]] = {
    CONTACTS: {
        **SHARED,
        "姓名": "full_name",
        "名字": "full_name",
        "联系人": "full_name",
        "name": "full_name",
        "fullname": "full_name",
        "contact": "full_name",
        "contactname": "full_name",
        "姓": "family_name",
        "姓氏": "family_name",
        "lastname": "family_name",
        "familyname": "family_name",
        "surname": "family_name",
        "名": "given_name",
        "firstname": "given_name",
        "givenname": "given_name",
        "职位": "title",
        "职务": "title",
        "title": "title",
        "jobtitle": "title",
        "position": "title",
        "手机": "mobile",
        "手机号": "mobile",
        "手机号码": "mobile",
        "mobile": "mobile",
        "cell": "mobile",
        "mobilephone": "mobile",
        "cellphone": "mobile",
        "电话": "phone",
        "座机": "phone",
        "办公电话": "phone",
        "phone": "phone",
        "telephone": "phone",
        "tel": "phone",
        "workphone": "phone",
        "邮箱": "email",
        "电子邮箱": "email",
        "电子邮件": "email",
        "email": "email",
        "mail": "email",
        "emailaddress": "email",
        "公司": "company",
        "公司名称": "company",
        "单位": "company",
        "客户": "company",
        "company": "company",
        "account": "company",
        "organization": "company",
        "生日": "birthday",
        "出生日期": "birthday",
        "birthday": "birthday",
        "dateofbirth": "birthday",
        "dob": "birthday",
    },
    ACCOUNTS: {
        **SHARED,
        "公司": "name",
        "公司名称": "name",
        "客户名称": "name",
        "名称": "name",
        "企业名称": "name",
        "name": "name",
        "company": "name",
        "accountname": "name",
        "companyname": "name",
        "行业": "industry",
        "所属行业": "industry",
        "industry": "industry",
        "网站": "website",
        "网址": "website",
        "官网": "website",
        "website": "website",
        "url": "website",
        "web": "website",
    },
}
PERSON = {
    "姓名": "full_name",
    "名字": "full_name",
    "联系人": "full_name",
    "name": "full_name",
    "fullname": "full_name",
    "姓": "family_name",
    "lastname": "family_name",
    "familyname": "family_name",
    "surname": "family_name",
    "名": "given_name",
    "firstname": "given_name",
    "givenname": "given_name",
}
GUESSES[LEADS] = {
    **{k: v for k, v in SHARED.items() if v in ("external_id", "province", "city", "tags")},
    **{k: v for k, v in SHARED.items() if v in ("owner_email", "description")},
    **PERSON,
    **{k: v for k, v in GUESSES[CONTACTS].items() if v in ("title", "email", "company")},
    **{k: "phone" for k, v in GUESSES[CONTACTS].items() if v in ("mobile", "phone")},
    "行业": "industry",
    "industry": "industry",
    "规模": "size",
    "公司规模": "size",
    "size": "size",
    "companysize": "size",
    "来源": "source",
    "线索来源": "source",
    "source": "source",
    "leadsource": "source",
}
GUESSES[PRODUCTS] = {
    "id": "external_id",
    "编号": "external_id",
    "externalid": "external_id",
    "sku": "sku",
    "货号": "sku",
    "产品编号": "sku",
    "产品编码": "sku",
    "物料编码": "sku",
    "code": "sku",
    "productcode": "sku",
    "名称": "name",
    "产品名称": "name",
    "品名": "name",
    "name": "name",
    "productname": "name",
    "类别": "category",
    "分类": "category",
    "产品类别": "category",
    "category": "category",
    "单位": "unit",
    "unit": "unit",
    "成本": "cost",
    "成本价": "cost",
    "cost": "cost",
    "保修期": "warranty_months",
    "保修月数": "warranty_months",
    "warranty": "warranty_months",
    "warrantymonths": "warranty_months",
    "序列号管理": "is_serialised",
    "serialised": "is_serialised",
    "serialized": "is_serialised",
}
GUESSES[ACTIVITIES] = {
    "id": "external_id",
    "编号": "external_id",
    "externalid": "external_id",
    "类型": "kind",
    "活动类型": "kind",
    "type": "kind",
    "kind": "kind",
    "主题": "subject",
    "标题": "subject",
    "subject": "subject",
    "内容": "body",
    "备注": "body",
    "notes": "body",
    "body": "body",
    "description": "body",
    "时间": "at",
    "日期": "at",
    "date": "at",
    "when": "at",
    "datetime": "at",
    "方向": "direction",
    "direction": "direction",
    "地点": "location",
    "location": "location",
    "联系人邮箱": "contact_email",
    "邮箱": "contact_email",
    "email": "contact_email",
    "contactemail": "contact_email",
    "联系人": "contact_name",
    "姓名": "contact_name",
    "contact": "contact_name",
    "contactname": "contact_name",
    "公司": "account_name",
    "客户": "account_name",
    "客户名称": "account_name",
    "account": "account_name",
    "company": "account_name",
    "负责人": "owner_email",
    "owner": "owner_email",
    "owneremail": "owner_email",
}
GUESSES[ORDERS] = ORDER_GUESSES
# At least one of these must be mapped.
NEEDED = {
    CONTACTS: {"full_name", "family_name"},
    ACCOUNTS: {"name"},
    LEADS: {"full_name", "family_name"},
    PRODUCTS: {"sku"},
    ACTIVITIES: {"subject"},
    ORDERS: {"order_ref"},
}
NOISE = re.compile(r"[\s\-_:：()（）*]+")


def normalise_header(header: str) -> str:
    return NOISE.sub("", header).lower()


def guess_mapping(target: str, headers: list[str]) -> dict[str, str]:
    """Column header → field key for the headers recognised (each field at most once);
    custom fields match by key or label."""
    known = dict(GUESSES[target])
    for field in fields_for(target):
        if field.key.startswith("custom:"):
            known.setdefault(normalise_header(field.key.split(":", 1)[1]), field.key)
            known.setdefault(normalise_header(str(field.label)), field.key)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = known.get(normalise_header(header))
        if key and key not in used:
            mapping[header] = key
            used.add(key)
    return mapping


def clean_mapping(target: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """A mapping of this file's columns to known fields; each field mapped once."""
    keys = {field.key for field in fields_for(target)}
    cleaned: dict[str, str] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if header not in headers:
            raise ValidationError({"mapping": _("The file has no column “%(c)s”.") % {"c": header}})
        if key not in keys:
            raise ValidationError({"mapping": _("“%(f)s” is not a field to import.") % {"f": key}})
        if key in cleaned.values():
            raise ValidationError(
                {"mapping": _("Two columns are mapped to the same field “%(f)s”.") % {"f": key}}
            )
        cleaned[header] = key
    if not NEEDED[target] & set(cleaned.values()):
        if target == ORDERS:
            raise ValidationError({"mapping": _("Map a column to the order number.")})
        if target == PRODUCTS:
            raise ValidationError({"mapping": _("Map a column to the SKU.")})
        if target == ACTIVITIES:
            raise ValidationError({"mapping": _("Map a column to the subject.")})
        raise ValidationError({"mapping": _("Map a column to the name.")})
    if target == ORDERS and "sku" not in cleaned.values():
        raise ValidationError({"mapping": _("Map a column to the product's SKU.")})
    return cleaned
