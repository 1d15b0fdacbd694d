"""Synthetic contacts for the benchmarks: Chinese and Western names, phones, emails,
addresses and companies, with a known share of planted duplicates.

Used by ``bench/dedupe_scan.py`` (rows written to PostgreSQL with COPY) and
``bench/imports.py`` (rows written to a CSV file). Deterministic for a given seed.

A planted duplicate copies an original person and changes it the way people re-enter
the same person, one variant each (``VARIANTS``):

- ``pinyin``: the Chinese name typed in pinyin, Western order (张伟 -> "Wei Zhang"), the
  same mobile in another format, no email;
- ``phone``: the same name and mobile in another format, a different email, no address;
- ``email``: the same name, the email in upper case (Gmail: with a dot added), no phone;
- ``typo``: a typo in the name (a homophone character for Chinese, 伟 -> 玮; one letter for
  Western names), the same email, no phone;
- ``name_city``: the same name, address and company, a new mobile, no email (only the
  name, street and city say it is the same person).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

FAMILY_CN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN_CN = "".join(
    (
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国",
        "文辉玲鹏斌宇浩凯婷雪琳晨欣怡子涵梓睿轩宁佳俊豪思雨嘉",
    )
)
# Homophones a Chinese input method offers for the same pinyin (the "typo" of hanzi).
HOMOPHONES = {
    "伟": "玮",
    "芳": "方",
    "娜": "那",
    "英": "鹰",
    "敏": "闽",
    "静": "晶",
    "丽": "莉",
    "强": "墙",
    "磊": "蕾",
    "军": "君",
    "洋": "阳",
    "勇": "永",
    "艳": "燕",
    "杰": "洁",
    "娟": "涓",
    "涛": "韬",
    "明": "铭",
    "超": "潮",
    "霞": "侠",
    "平": "萍",
    "华": "骅",
    "建": "健",
    "文": "雯",
    "辉": "晖",
    "玲": "琳",
    "鹏": "朋",
    "宇": "雨",
    "浩": "昊",
    "婷": "亭",
    "雪": "薛",
    "晨": "辰",
    "欣": "新",
    "怡": "仪",
    "涵": "晗",
    "睿": "瑞",
    "宁": "凝",
    "佳": "嘉",
    "俊": "骏",
    "豪": "濠",
    "思": "斯",
}
FAMILY_WEST = (  # noqa: SIM905 - a word list reads best as words
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
    "Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner "
    "Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders "
    "Myers Long Ross Foster Müller Schmidt Schneider Fischer Weber Dubois Bernard Rossi"
).split()
GIVEN_WEST = (  # noqa: SIM905
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Margaret Paul Sandra Steven Ashley Andrew Emily Kenneth Donna Joshua Michelle "
    "Kevin Carol Brian Amanda George Melissa Edward Deborah Ronald Stephanie Timothy Rebecca "
    "Jason Laura Jeffrey Helen Ryan Sharon Jacob Cynthia Gary Kathleen Nicholas Amy Eric Anna "
    "Lukas Sophie Hannah Julia Felix Claire Pierre Marco Giulia"
).split()
CITIES = (  # (city, postcode prefix, province)
    ("上海", "200", "上海"),
    ("北京", "100", "北京"),
    ("广州", "510", "广东"),
    ("深圳", "518", "广东"),
    ("杭州", "310", "浙江"),
    ("成都", "610", "四川"),
    ("南京", "210", "江苏"),
    ("武汉", "430", "湖北"),
    ("西安", "710", "陕西"),
    ("苏州", "215", "江苏"),
    ("天津", "300", "天津"),
    ("重庆", "400", "重庆"),
    ("长沙", "410", "湖南"),
    ("青岛", "266", "山东"),
    ("厦门", "361", "福建"),
    ("宁波", "315", "浙江"),
    ("郑州", "450", "河南"),
    ("济南", "250", "山东"),
    ("合肥", "230", "安徽"),
    ("福州", "350", "福建"),
)
ROADS = "人民 中山 解放 建设 和平 新华 长江 黄河 东风 光明 胜利 朝阳 南京 延安".split()  # noqa: SIM905
DOMAINS_CN = ("163.com", "qq.com", "126.com", "sina.com", "gmail.com", "outlook.com")
DOMAINS_WEST = ("gmail.com", "outlook.com", "yahoo.com", "example.co.uk", "mail.de")
COMPANY_WORDS = "华信 天成 恒通 远大 东方 金桥 同创 新锐 博远 盛世 海纳 宏图".split()  # noqa: SIM905
COMPANY_KINDS = ("科技有限公司", "贸易有限公司", "咨询有限公司", "实业有限公司", "Ltd.", "GmbH")
VARIANTS = ("pinyin", "phone", "email", "typo", "name_city")


@dataclass
class Person:
    key: int
    family_name: str
    given_name: str
    email: str = ""
    phone: str = ""  # E.164 as the services store it
    phone_typed: str = ""  # as the person typed it
    city: str = ""
    province: str = ""
    street: str = ""
    postcode: str = ""
    company: str = ""
    chinese: bool = True
    variant: str = ""
    original: int | None = None
    extra: dict = field(default_factory=dict)


def _pinyin(text: str) -> str:
    from guanxi.lib.names import compact, pinyin_of

    return compact(text) if len(text) == 1 else "".join(pinyin_of(text).split())


def _valid(e164: str) -> bool:
    import phonenumbers

    return phonenumbers.is_valid_number(phonenumbers.parse(e164))


def _typed_phone(e164: str, rng: random.Random) -> str:
    """The same number as people type it: 138-0013-8000, +86 138 0013 8000, ..."""
    if e164.startswith("+86"):
        n = e164[3:]
        return rng.choice(
            (
                f"{n[:3]}-{n[3:7]}-{n[7:]}",
                f"+86 {n[:3]} {n[3:7]} {n[7:]}",
                f"(0086){n}",
                f"{n[:3]} {n[3:7]} {n[7:]}",
                f"+86-{n}",
            )
        )
    return f"{e164[:3]} {e164[3:7]} {e164[7:]}"


class Generator:
    def __init__(self, seed: int = 7, companies_per: int = 25) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.companies_per = companies_per
        self.cn_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(FAMILY_CN))]
        self.used_phones: set[str] = set()

    def _phone(self, chinese: bool) -> str:
        rng = self.rng
        while True:
            if chinese or rng.random() < 0.5:
                phone = "+861" + rng.choice("38") + f"{rng.randrange(10**9):09d}"
            else:
                phone = "+447" + rng.choice("45789") + f"{rng.randrange(10**8):08d}"
                if not _valid(phone):  # not every UK mobile range is allocated
                    continue
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def person(self, key: int, companies: int) -> Person:
        rng = self.rng
        chinese = rng.random() < 0.65
        if chinese:
            family = rng.choices(FAMILY_CN, self.cn_weights)[0]
            given = "".join(rng.choice(GIVEN_CN) for _ in range(rng.choice((1, 2, 2))))
            local = _pinyin(family) + _pinyin(given)
            domain = rng.choice(DOMAINS_CN)
        else:
            family, given = rng.choice(FAMILY_WEST), rng.choice(GIVEN_WEST)
            local = f"{given}.{family}".lower().replace("ü", "ue")
            domain = rng.choice(DOMAINS_WEST)
        city, prefix, province = rng.choice(CITIES)
        phone = self._phone(chinese)
        return Person(
            key=key,
            family_name=family,
            given_name=given,
            email=f"{local}{key}@{domain}" if rng.random() < 0.85 else "",
            phone=phone,
            phone_typed=phone,
            city=city,
            province=province,
            street=f"{rng.choice(ROADS)}路{rng.randrange(1, 999)}号",
            postcode=f"{prefix}{rng.randrange(1000):03d}",
            company=(
                f"{COMPANY_WORDS[rng.randrange(len(COMPANY_WORDS))]}"
                f"{rng.randrange(companies)}{rng.choice(COMPANY_KINDS)}"
                if rng.random() < 0.7
                else ""
            ),
            chinese=chinese,
        )

    def duplicate(self, key: int, original: Person) -> Person:
        rng = self.rng
        options = list(VARIANTS) if original.chinese else [v for v in VARIANTS if v != "pinyin"]
        if not original.email:
            options = [v for v in options if v not in ("email", "typo")]
        variant = rng.choice(options)
        dup = replace(original, key=key, variant=variant, original=original.key, extra={})
        if variant == "pinyin":
            dup.family_name = _pinyin(original.family_name).capitalize()
            dup.given_name = _pinyin(original.given_name).capitalize()
            dup.phone_typed = _typed_phone(original.phone, rng)
            dup.email = ""
        elif variant == "phone":
            dup.phone_typed = _typed_phone(original.phone, rng)
            local, _, domain = original.email.partition("@") if original.email else ("x", "", "")
            dup.email = f"{local}.work{key}@{domain or 'qq.com'}"
            dup.city = dup.province = dup.street = dup.postcode = ""
        elif variant == "email":
            local, _, domain = original.email.partition("@")
            if domain == "gmail.com" and len(local) > 2:
                dup.email = f"{local[:2]}.{local[2:]}@{domain}"
            else:
                dup.email = original.email.upper()
            dup.phone = dup.phone_typed = ""
        elif variant == "typo":
            dup.given_name = self._typo(original.given_name, original.chinese)
            dup.phone = dup.phone_typed = ""
        else:  # name_city
            dup.phone = dup.phone_typed = self._phone(original.chinese)
            dup.email = ""
        return dup

    def _typo(self, given: str, chinese: bool) -> str:
        rng = self.rng
        if chinese:
            spots = [i for i, char in enumerate(given) if char in HOMOPHONES]
            if not spots:
                return given
            i = rng.choice(spots)
            return given[:i] + HOMOPHONES[given[i]] + given[i + 1 :]
        i = rng.randrange(1, len(given))
        letter = rng.choice("aeiounrst".replace(given[i].lower(), ""))
        return given[:i] + letter + given[i + 1 :]

    def people(self, count: int, duplicate_share: float = 0.05) -> list[Person]:
        """``count`` people, ``duplicate_share`` of them planted duplicates of others,
        shuffled so a duplicate is not next to its original."""
        companies = max(1, count // self.companies_per)
        duplicates = int(count * duplicate_share)
        originals = [self.person(key, companies) for key in range(count - duplicates)]
        chosen = self.rng.sample(originals, duplicates)
        result = originals + [
            self.duplicate(len(originals) + i, person) for i, person in enumerate(chosen)
        ]
        self.rng.shuffle(result)
        return result
