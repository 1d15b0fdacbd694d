"""Word lists of the demo data set (``customers.demo``): places, company and person names.

Everything here is data, not UI text. Chinese cities carry their province code (of
``guanxi.lib.regions``), telephone area code, subscriber-number length, the first digits
of their postcodes and a few districts, so that an address, a landline and a company
name always agree with each other.
"""

from __future__ import annotations

from typing import NamedTuple


def words(text: str, separator: str | None = None) -> list[str]:
    """A list written as one string, to keep long word lists readable."""
    return text.split(separator)


class ChineseCity(NamedTuple):
    province: str  # GB/T 2260 code, as in guanxi.lib.regions
    name: str  # short Chinese name, as the services store it
    area_code: str
    local_digits: int  # length of a landline number after the area code
    postcode: str  # first three digits
    districts: tuple[str, ...]
    weight: float


def _city(
    province: str, name: str, area: str, digits: int, postcode: str, districts: str, w: float
) -> ChineseCity:
    return ChineseCity(province, name, area, digits, postcode, tuple(districts.split()), w)


CHINESE_CITIES: tuple[ChineseCity, ...] = (
    _city("11", "北京", "10", 8, "100", "朝阳区 海淀区 东城区 西城区 丰台区 大兴区 昌平区", 12),
    _city("31", "上海", "21", 8, "200", "浦东新区 徐汇区 静安区 黄浦区 长宁区 闵行区 嘉定区", 12),
    _city("12", "天津", "22", 8, "300", "和平区 南开区 河西区 滨海新区", 3),
    _city("50", "重庆", "23", 8, "400", "渝中区 江北区 渝北区 九龙坡区 南岸区", 3),
    _city("44", "广州", "20", 8, "510", "天河区 越秀区 海珠区 白云区 番禺区 黄埔区", 8),
    _city("44", "深圳", "755", 8, "518", "南山区 福田区 罗湖区 宝安区 龙岗区 龙华区", 9),
    _city("44", "东莞", "769", 8, "523", "南城街道 东城街道 松山湖 长安镇", 2),
    _city("44", "佛山", "757", 8, "528", "禅城区 南海区 顺德区", 2),
    _city("33", "杭州", "571", 8, "310", "西湖区 上城区 拱墅区 滨江区 余杭区 萧山区", 6),
    _city("33", "宁波", "574", 8, "315", "海曙区 鄞州区 江北区 北仑区", 3),
    _city("33", "温州", "577", 8, "325", "鹿城区 瓯海区 龙湾区", 2),
    _city("32", "南京", "25", 8, "210", "玄武区 秦淮区 鼓楼区 建邺区 江宁区", 5),
    _city("32", "苏州", "512", 8, "215", "姑苏区 工业园区 虎丘区 吴中区 相城区", 6),
    _city("32", "无锡", "510", 8, "214", "梁溪区 滨湖区 新吴区", 3),
    _city("32", "常州", "519", 8, "213", "天宁区 钟楼区 武进区 新北区", 2),
    _city("42", "武汉", "27", 8, "430", "江岸区 武昌区 洪山区 汉阳区 江汉区", 4),
    _city("51", "成都", "28", 8, "610", "锦江区 武侯区 青羊区 高新区 成华区 金牛区", 5),
    _city("61", "西安", "29", 8, "710", "雁塔区 碑林区 未央区 莲湖区", 3),
    _city("21", "沈阳", "24", 8, "110", "和平区 沈河区 皇姑区 浑南区", 2),
    _city("21", "大连", "411", 8, "116", "中山区 西岗区 沙河口区 甘井子区", 2),
    _city("37", "青岛", "532", 8, "266", "市南区 市北区 崂山区 黄岛区", 3),
    _city("37", "济南", "531", 8, "250", "历下区 市中区 槐荫区 历城区", 2),
    _city("41", "郑州", "371", 8, "450", "金水区 二七区 中原区 管城回族区", 3),
    _city("43", "长沙", "731", 8, "410", "岳麓区 芙蓉区 天心区 开福区", 3),
    _city("35", "厦门", "592", 7, "361", "思明区 湖里区 集美区", 2),
    _city("35", "福州", "591", 8, "350", "鼓楼区 台江区 仓山区", 2),
    _city("35", "泉州", "595", 8, "362", "鲤城区 丰泽区 洛江区", 1),
    _city("34", "合肥", "551", 8, "230", "蜀山区 包河区 庐阳区 瑶海区", 2),
    _city("36", "南昌", "791", 8, "330", "东湖区 西湖区 红谷滩区", 1),
    _city("53", "昆明", "871", 8, "650", "五华区 盘龙区 官渡区 西山区", 1),
    _city("45", "南宁", "771", 7, "530", "青秀区 兴宁区 西乡塘区", 1),
    _city("52", "贵阳", "851", 8, "550", "南明区 云岩区 观山湖区", 1),
    _city("46", "海口", "898", 8, "570", "龙华区 美兰区 秀英区", 1),
    _city("23", "哈尔滨", "451", 8, "150", "南岗区 道里区 香坊区", 1),
    _city("22", "长春", "431", 8, "130", "朝阳区 南关区 绿园区", 1),
    _city("13", "石家庄", "311", 8, "050", "长安区 桥西区 裕华区", 1),
    _city("14", "太原", "351", 7, "030", "小店区 迎泽区 杏花岭区", 1),
    _city("15", "呼和浩特", "471", 7, "010", "新城区 赛罕区 回民区", 0.5),
    _city("62", "兰州", "931", 7, "730", "城关区 七里河区 安宁区", 0.5),
    _city("65", "乌鲁木齐", "991", 7, "830", "天山区 沙依巴克区 新市区", 0.5),
    _city("64", "银川", "951", 7, "750", "兴庆区 金凤区", 0.3),
    _city("63", "西宁", "971", 7, "810", "城中区 城西区", 0.3),
)

ROADS = words(
    "中山路 人民路 解放路 建设路 长江路 和平路 新华路 科技路 创业大道 世纪大道 学院路 "
    "东风路 滨江大道 高新一路 金融街 工业园路 南京路 黄河路 友谊路 文化路"
)
BUILDINGS = words("国际大厦 科技园 商务中心 广场 创新中心 金融中心 产业园 写字楼")


class WesternCity(NamedTuple):
    country: str  # ISO 3166 code
    region: str  # state / nation / Land, free text as the services keep it
    name: str
    area_code: str
    local_digits: int
    postcode: str  # a template: "#" is a random digit
    weight: float


WESTERN_CITIES: tuple[WesternCity, ...] = (
    WesternCity("US", "New York", "New York", "212", 7, "100##", 3),
    WesternCity("US", "California", "San Francisco", "415", 7, "941##", 2),
    WesternCity("US", "Massachusetts", "Boston", "617", 7, "021##", 1),
    WesternCity("US", "Illinois", "Chicago", "312", 7, "606##", 1),
    WesternCity("US", "Washington", "Seattle", "206", 7, "981##", 1),
    WesternCity("US", "Texas", "Austin", "512", 7, "787##", 1),
    WesternCity("GB", "England", "London", "20", 8, "EC# #AB", 3),
    WesternCity("GB", "England", "Manchester", "161", 7, "M# #EQ", 1),
    WesternCity("GB", "England", "Birmingham", "121", 7, "B# #TT", 1),
    WesternCity("GB", "Scotland", "Edinburgh", "131", 7, "EH# #AD", 1),
    WesternCity("DE", "Berlin", "Berlin", "30", 8, "10###", 2),
    WesternCity("DE", "Bayern", "München", "89", 8, "80###", 2),
    WesternCity("DE", "Hamburg", "Hamburg", "40", 8, "20###", 1),
    WesternCity("DE", "Hessen", "Frankfurt am Main", "69", 8, "60###", 1),
    WesternCity("DE", "Baden-Württemberg", "Stuttgart", "711", 8, "70###", 1),
)

COUNTRY_CALLING_CODES = {"CN": "86", "US": "1", "GB": "44", "DE": "49"}
TOP_LEVEL_DOMAINS = {"US": "com", "GB": "co.uk", "DE": "de"}
LEGAL_FORMS = {
    "US": (("Inc.", 5), ("LLC", 3), ("Corp.", 2)),
    "GB": (("Ltd.", 8), ("PLC", 1)),
    "DE": (("GmbH", 8), ("AG", 2)),
}
WESTERN_STREETS = {
    "US": "Main Street|Market Street|Broadway|Park Avenue|Mission Street|Elm Street|Oak Avenue",
    "GB": "High Street|King's Road|Station Road|Victoria Street|Church Lane|Mill Road",
    "DE": "Hauptstraße|Bahnhofstraße|Gartenstraße|Schillerstraße|Goethestraße|Lindenallee",
}

# Industry code -> (Chinese words, domain word, English words)
INDUSTRIES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "technology": (
        ("科技", "信息技术", "网络科技", "软件", "电子", "通信技术"),
        "tech",
        ("Software", "Systems", "Networks", "Robotics", "Analytics", "Digital"),
    ),
    "manufacturing": (
        ("机械", "精密制造", "电气", "汽车零部件", "新材料", "模具"),
        "mfg",
        ("Manufacturing", "Components", "Machinery", "Industries", "Precision"),
    ),
    "wholesale": (
        ("贸易", "商贸", "供应链管理", "进出口"),
        "trade",
        ("Traders", "Trading", "Distribution", "Supply"),
    ),
    "retail": (("商业", "电子商务", "百货", "连锁超市"), "retail", ("Retail", "Stores", "Market")),
    "finance": (
        ("投资管理", "融资租赁", "保险代理", "资产管理"),
        "capital",
        ("Capital", "Financial", "Insurance"),
    ),
    "logistics": (
        ("物流", "国际货运代理", "运输"),
        "logistics",
        ("Logistics", "Freight", "Shipping"),
    ),
    "construction": (
        ("建设工程", "房地产开发", "建材", "装饰工程"),
        "build",
        ("Construction", "Builders", "Properties"),
    ),
    "healthcare": (
        ("医疗器械", "医药", "生物科技", "健康管理"),
        "med",
        ("Health", "Medical", "Biotech", "Pharma"),
    ),
    "energy": (
        ("新能源", "能源科技", "电力工程", "光伏科技"),
        "energy",
        ("Energy", "Power", "Solar"),
    ),
    "education": (("教育科技", "培训", "文化教育"), "edu", ("Learning", "Education", "Academy")),
    "hospitality": (("酒店管理", "旅行社", "餐饮管理"), "travel", ("Hotels", "Travel")),
    "media": (("文化传媒", "广告", "影视传媒"), "media", ("Media", "Studios", "Publishing")),
    "professional": (
        ("管理咨询", "企业管理咨询", "人力资源", "信息咨询"),
        "consulting",
        ("Consulting", "Advisors", "Associates"),
    ),
    "agriculture": (("农业科技", "食品", "农产品"), "agri", ("Farms", "Foods", "Agritech")),
}
INDUSTRY_WEIGHTS = {
    "technology": 14, "manufacturing": 16, "wholesale": 12, "retail": 8, "finance": 5,
    "logistics": 7, "construction": 6, "healthcare": 7, "energy": 5, "education": 4,
    "hospitality": 4, "media": 4, "professional": 6, "agriculture": 2,
}  # fmt: skip
SIZES = (("1-9", 12), ("10-49", 35), ("50-249", 30), ("250-999", 15), ("1000+", 8))
SIZE_WEIGHT = {"1-9": 0.6, "10-49": 0.9, "50-249": 1.2, "250-999": 1.8, "1000+": 2.5}
TIERS = (("vip", 5), ("key", 20), ("standard", 65), ("", 10))
TIER_WEIGHT = {"vip": 4.0, "key": 2.0, "standard": 1.0, "": 0.7}
CHINESE_LEGAL_FORMS = (("有限公司", 70), ("股份有限公司", 15), ("有限责任公司", 15))

# Two of these make a brand (华信, 东方 ...); none has a surname reading of its own.
BRAND_CHARACTERS = (
    "华信东方中恒瑞达泰安鼎盛宏远金利新天海联创博汇通嘉德明光永丰佳兴源启凯正诚和润升"
    "鸿昌隆腾飞宇航星辰宝顺祥富康美力诺科蓝峰"
)
WESTERN_BRANDS = words(
    "Acme Northwind Globex Summit Pioneer Atlas Harbor Evergreen Redwood Granite Beacon "
    "Orion Vertex Lumen Keystone Crescent Meridian Falcon Sterling Silverline Brightwater "
    "Ironbridge Oakfield Westbrook Kingsley Hartmann Rhein Alpen Elbe Thames Hudson Cascade "
    "Lakeside Bluefin Nordlicht Fairview Ashford Whitmore"
)

TAGS = (
    ("重点客户", "#fde2e1"),
    ("Trade show 2026", "#e0ecff"),
    ("Partner", "#dff5e3"),
    ("经销商", "#fff1cc"),
    ("老客户", "#f0e4ff"),
    ("潜在客户", "#e4e7eb"),
    ("Newsletter", "#d9f2f7"),
    ("Referral", "#ffe4f1"),
    ("政府项目", "#ffe9d6"),
    ("Churn risk", "#ffd6d6"),
    ("广交会 2025", "#e8f5d0"),
    ("Key account", "#dde3ff"),
)

# Chinese surnames with rough weights (the ten most common ones first); a few compounds.
SURNAMES = (
    [(s, 6.0) for s in "王李张刘陈杨赵黄周吴"]
    + [(s, 2.0) for s in "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"]
    + [(s, 1.0) for s in "程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚"]
    + [(s, 0.15) for s in ("欧阳", "司马", "诸葛", "上官")]
)
GIVEN_SINGLE = {
    "male": "伟强磊军勇杰涛明超刚平辉鹏飞鑫波斌宇浩凯健俊帆旭宁龙林阳建东文志毅峰亮",
    "female": "芳娜敏静丽艳娟霞秀玲燕婷雪琳洁颖倩慧莉萍红梅晶欣悦佳怡璐蕾丹",
}
GIVEN_FIRST = {
    "male": "子宇浩俊志建文海立国明家嘉振永德晓",
    "female": "晓佳思雨欣梦诗雅紫若美婉静丽秀春",
}

WESTERN_GIVEN = {
    "male": words(
        "James John Michael David Daniel Thomas Oliver Harry George Lukas Felix Jonas Paul "
        "Leon Ben Matthew Andrew Robert William Christopher Stefan Tobias Jan Jürgen"
    ),
    "female": words(
        "Emma Olivia Sophie Charlotte Emily Hannah Lena Anna Laura Lea Sarah Jessica Amelia "
        "Isla Grace Katharina Julia Claire Rachel Megan Lisa Mia"
    ),
}
WESTERN_FAMILY = {
    "EN": words(
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Moore "
        "Clarke Evans Walker Wright Hughes Roberts Green Hall Wood Harris Lewis Cooper O'Brien"
    ),
    "DE": words(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
        "Richter Wolf Schröder Neumann Krüger Braun Zimmermann"
    ),
}

TITLES_ZH = words(
    "总经理 副总经理 采购经理 销售总监 财务总监 技术总监 IT经理 行政主管 市场部经理 "
    "运营总监 董事长 项目经理 采购专员 总经理助理 质量经理"
)
TITLES_EN = words(
    "CEO|CFO|CTO|Head of Procurement|Purchasing Manager|IT Director|Operations Manager|"
    "Sales Director|Marketing Manager|Office Manager|Project Manager|Managing Director",
    "|",
)
ROLES_ZH = ("决策人", "采购", "技术对接", "财务", "使用部门", "")
ROLES_EN = ("Decision maker", "Buyer", "Technical contact", "Finance", "User", "")
PERSONAL_MAIL_ZH = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com")
PERSONAL_MAIL_EN = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com")

CONSENT_WORDING = {
    ("zh", "email"): "我同意通过电子邮件接收产品资讯、活动邀请和服务通知，可随时退订。",
    ("zh", "sms"): "我同意接收短信形式的订单通知和优惠信息，回复TD即可退订。",
    ("en", "email"): (
        "I agree to receive product news, event invitations and service updates by email. "
        "I can unsubscribe at any time."
    ),
    ("en", "sms"): (
        "I agree to receive order updates and offers by text message. Reply STOP to opt out."
    ),
}
WITHDRAWAL_WORDING = {
    ("zh", "email"): "客户通过邮件中的退订链接取消订阅。",
    ("zh", "sms"): "客户回复TD退订短信。",
    ("en", "email"): "Unsubscribed through the link in a newsletter.",
    ("en", "sms"): "Replied STOP to a text message.",
}
