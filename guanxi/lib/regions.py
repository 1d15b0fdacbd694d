"""Chinese administrative geography as bilingual data: provinces and their cities.

Provinces carry GB/T 2260 two-digit codes. Cities are the prefecture-level divisions
(cities, prefectures, autonomous prefectures and leagues) by short name, without 市;
a municipality or special administrative region is its own single city.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


class Province(NamedTuple):
    """A provincial-level division: GB/T 2260 code, Chinese and English names."""

    code: str
    name_zh: str
    name_en: str


class City(NamedTuple):
    """A prefecture-level division by its short Chinese and English names."""

    name_zh: str
    name_en: str


PROVINCES: tuple[Province, ...] = (
    Province("11", "北京", "Beijing"),
    Province("12", "天津", "Tianjin"),
    Province("13", "河北", "Hebei"),
    Province("14", "山西", "Shanxi"),
    Province("15", "内蒙古", "Inner Mongolia"),
    Province("21", "辽宁", "Liaoning"),
    Province("22", "吉林", "Jilin"),
    Province("23", "黑龙江", "Heilongjiang"),
    Province("31", "上海", "Shanghai"),
    Province("32", "江苏", "Jiangsu"),
    Province("33", "浙江", "Zhejiang"),
    Province("34", "安徽", "Anhui"),
    Province("35", "福建", "Fujian"),
    Province("36", "江西", "Jiangxi"),
    Province("37", "山东", "Shandong"),
    Province("41", "河南", "Henan"),
    Province("42", "湖北", "Hubei"),
    Province("43", "湖南", "Hunan"),
    Province("44", "广东", "Guangdong"),
    Province("45", "广西", "Guangxi"),
    Province("46", "海南", "Hainan"),
    Province("50", "重庆", "Chongqing"),
    Province("51", "四川", "Sichuan"),
    Province("52", "贵州", "Guizhou"),
    Province("53", "云南", "Yunnan"),
    Province("54", "西藏", "Tibet"),
    Province("61", "陕西", "Shaanxi"),
    Province("62", "甘肃", "Gansu"),
    Province("63", "青海", "Qinghai"),
    Province("64", "宁夏", "Ningxia"),
    Province("65", "新疆", "Xinjiang"),
    Province("71", "台湾", "Taiwan"),
    Province("81", "香港", "Hong Kong"),
    Province("82", "澳门", "Macau"),
)

# "中文 English" pairs separated by commas, the provincial capital first.
_CITY_TABLE = {
    "11": "北京 Beijing",
    "12": "天津 Tianjin",
    "13": (
        "石家庄 Shijiazhuang, 唐山 Tangshan, 秦皇岛 Qinhuangdao, 邯郸 Handan, 邢台 Xingtai, "
        "保定 Baoding, 张家口 Zhangjiakou, 承德 Chengde, 沧州 Cangzhou, 廊坊 Langfang, "
        "衡水 Hengshui"
    ),
    "14": (
        "太原 Taiyuan, 大同 Datong, 阳泉 Yangquan, 长治 Changzhi, 晋城 Jincheng, "
        "朔州 Shuozhou, 晋中 Jinzhong, 运城 Yuncheng, 忻州 Xinzhou, 临汾 Linfen, 吕梁 Lüliang"
    ),
    "15": (
        "呼和浩特 Hohhot, 包头 Baotou, 乌海 Wuhai, 赤峰 Chifeng, 通辽 Tongliao, 鄂尔多斯 Ordos, "
        "呼伦贝尔 Hulunbuir, 巴彦淖尔 Bayannur, 乌兰察布 Ulanqab, 兴安 Hinggan, "
        "锡林郭勒 Xilingol, 阿拉善 Alxa"
    ),
    "21": (
        "沈阳 Shenyang, 大连 Dalian, 鞍山 Anshan, 抚顺 Fushun, 本溪 Benxi, 丹东 Dandong, "
        "锦州 Jinzhou, 营口 Yingkou, 阜新 Fuxin, 辽阳 Liaoyang, 盘锦 Panjin, 铁岭 Tieling, "
        "朝阳 Chaoyang, 葫芦岛 Huludao"
    ),
    "22": (
        "长春 Changchun, 吉林 Jilin, 四平 Siping, 辽源 Liaoyuan, 通化 Tonghua, 白山 Baishan, "
        "松原 Songyuan, 白城 Baicheng, 延边 Yanbian"
    ),
    "23": (
        "哈尔滨 Harbin, 齐齐哈尔 Qiqihar, 鸡西 Jixi, 鹤岗 Hegang, 双鸭山 Shuangyashan, "
        "大庆 Daqing, 伊春 Yichun, 佳木斯 Jiamusi, 七台河 Qitaihe, 牡丹江 Mudanjiang, "
        "黑河 Heihe, 绥化 Suihua, 大兴安岭 Daxing'anling"
    ),
    "31": "上海 Shanghai",
    "32": (
        "南京 Nanjing, 无锡 Wuxi, 徐州 Xuzhou, 常州 Changzhou, 苏州 Suzhou, 南通 Nantong, "
        "连云港 Lianyungang, 淮安 Huai'an, 盐城 Yancheng, 扬州 Yangzhou, 镇江 Zhenjiang, "
        "泰州 Taizhou, 宿迁 Suqian"
    ),
    "33": (
        "杭州 Hangzhou, 宁波 Ningbo, 温州 Wenzhou, 嘉兴 Jiaxing, 湖州 Huzhou, 绍兴 Shaoxing, "
        "金华 Jinhua, 衢州 Quzhou, 舟山 Zhoushan, 台州 Taizhou, 丽水 Lishui"
    ),
    "34": (
        "合肥 Hefei, 芜湖 Wuhu, 蚌埠 Bengbu, 淮南 Huainan, 马鞍山 Ma'anshan, 淮北 Huaibei, "
        "铜陵 Tongling, 安庆 Anqing, 黄山 Huangshan, 滁州 Chuzhou, 阜阳 Fuyang, 宿州 Suzhou, "
        "六安 Lu'an, 亳州 Bozhou, 池州 Chizhou, 宣城 Xuancheng"
    ),
    "35": (
        "福州 Fuzhou, 厦门 Xiamen, 莆田 Putian, 三明 Sanming, 泉州 Quanzhou, 漳州 Zhangzhou, "
        "南平 Nanping, 龙岩 Longyan, 宁德 Ningde"
    ),
    "36": (
        "南昌 Nanchang, 景德镇 Jingdezhen, 萍乡 Pingxiang, 九江 Jiujiang, 新余 Xinyu, "
        "鹰潭 Yingtan, 赣州 Ganzhou, 吉安 Ji'an, 宜春 Yichun, 抚州 Fuzhou, 上饶 Shangrao"
    ),
    "37": (
        "济南 Jinan, 青岛 Qingdao, 淄博 Zibo, 枣庄 Zaozhuang, 东营 Dongying, 烟台 Yantai, "
        "潍坊 Weifang, 济宁 Jining, 泰安 Tai'an, 威海 Weihai, 日照 Rizhao, 临沂 Linyi, "
        "德州 Dezhou, 聊城 Liaocheng, 滨州 Binzhou, 菏泽 Heze"
    ),
    "41": (
        "郑州 Zhengzhou, 开封 Kaifeng, 洛阳 Luoyang, 平顶山 Pingdingshan, 安阳 Anyang, "
        "鹤壁 Hebi, 新乡 Xinxiang, 焦作 Jiaozuo, 濮阳 Puyang, 许昌 Xuchang, 漯河 Luohe, "
        "三门峡 Sanmenxia, 南阳 Nanyang, 商丘 Shangqiu, 信阳 Xinyang, 周口 Zhoukou, "
        "驻马店 Zhumadian"
    ),
    "42": (
        "武汉 Wuhan, 黄石 Huangshi, 十堰 Shiyan, 宜昌 Yichang, 襄阳 Xiangyang, 鄂州 Ezhou, "
        "荆门 Jingmen, 孝感 Xiaogan, 荆州 Jingzhou, 黄冈 Huanggang, 咸宁 Xianning, "
        "随州 Suizhou, 恩施 Enshi"
    ),
    "43": (
        "长沙 Changsha, 株洲 Zhuzhou, 湘潭 Xiangtan, 衡阳 Hengyang, 邵阳 Shaoyang, "
        "岳阳 Yueyang, 常德 Changde, 张家界 Zhangjiajie, 益阳 Yiyang, 郴州 Chenzhou, "
        "永州 Yongzhou, 怀化 Huaihua, 娄底 Loudi, 湘西 Xiangxi"
    ),
    "44": (
        "广州 Guangzhou, 韶关 Shaoguan, 深圳 Shenzhen, 珠海 Zhuhai, 汕头 Shantou, 佛山 Foshan, "
        "江门 Jiangmen, 湛江 Zhanjiang, 茂名 Maoming, 肇庆 Zhaoqing, 惠州 Huizhou, "
        "梅州 Meizhou, 汕尾 Shanwei, 河源 Heyuan, 阳江 Yangjiang, 清远 Qingyuan, "
        "东莞 Dongguan, 中山 Zhongshan, 潮州 Chaozhou, 揭阳 Jieyang, 云浮 Yunfu"
    ),
    "45": (
        "南宁 Nanning, 柳州 Liuzhou, 桂林 Guilin, 梧州 Wuzhou, 北海 Beihai, "
        "防城港 Fangchenggang, 钦州 Qinzhou, 贵港 Guigang, 玉林 Yulin, 百色 Baise, "
        "贺州 Hezhou, 河池 Hechi, 来宾 Laibin, 崇左 Chongzuo"
    ),
    "46": "海口 Haikou, 三亚 Sanya, 三沙 Sansha, 儋州 Danzhou",
    "50": "重庆 Chongqing",
    "51": (
        "成都 Chengdu, 自贡 Zigong, 攀枝花 Panzhihua, 泸州 Luzhou, 德阳 Deyang, 绵阳 Mianyang, "
        "广元 Guangyuan, 遂宁 Suining, 内江 Neijiang, 乐山 Leshan, 南充 Nanchong, "
        "眉山 Meishan, 宜宾 Yibin, 广安 Guang'an, 达州 Dazhou, 雅安 Ya'an, 巴中 Bazhong, "
        "资阳 Ziyang, 阿坝 Aba, 甘孜 Garzê, 凉山 Liangshan"
    ),
    "52": (
        "贵阳 Guiyang, 六盘水 Liupanshui, 遵义 Zunyi, 安顺 Anshun, 毕节 Bijie, 铜仁 Tongren, "
        "黔西南 Qianxinan, 黔东南 Qiandongnan, 黔南 Qiannan"
    ),
    "53": (
        "昆明 Kunming, 曲靖 Qujing, 玉溪 Yuxi, 保山 Baoshan, 昭通 Zhaotong, 丽江 Lijiang, "
        "普洱 Pu'er, 临沧 Lincang, 楚雄 Chuxiong, 红河 Honghe, 文山 Wenshan, "
        "西双版纳 Xishuangbanna, 大理 Dali, 德宏 Dehong, 怒江 Nujiang, 迪庆 Diqing"
    ),
    "54": (
        "拉萨 Lhasa, 日喀则 Shigatse, 昌都 Qamdo, 林芝 Nyingchi, 山南 Shannan, 那曲 Nagqu, "
        "阿里 Ngari"
    ),
    "61": (
        "西安 Xi'an, 铜川 Tongchuan, 宝鸡 Baoji, 咸阳 Xianyang, 渭南 Weinan, 延安 Yan'an, "
        "汉中 Hanzhong, 榆林 Yulin, 安康 Ankang, 商洛 Shangluo"
    ),
    "62": (
        "兰州 Lanzhou, 嘉峪关 Jiayuguan, 金昌 Jinchang, 白银 Baiyin, 天水 Tianshui, "
        "武威 Wuwei, 张掖 Zhangye, 平凉 Pingliang, 酒泉 Jiuquan, 庆阳 Qingyang, 定西 Dingxi, "
        "陇南 Longnan, 临夏 Linxia, 甘南 Gannan"
    ),
    "63": (
        "西宁 Xining, 海东 Haidong, 海北 Haibei, 黄南 Huangnan, 海南 Hainan, 果洛 Golog, "
        "玉树 Yushu, 海西 Haixi"
    ),
    "64": "银川 Yinchuan, 石嘴山 Shizuishan, 吴忠 Wuzhong, 固原 Guyuan, 中卫 Zhongwei",
    "65": (
        "乌鲁木齐 Urumqi, 克拉玛依 Karamay, 吐鲁番 Turpan, 哈密 Hami, 昌吉 Changji, "
        "博尔塔拉 Bortala, 巴音郭楞 Bayingolin, 阿克苏 Aksu, 克孜勒苏 Kizilsu, 喀什 Kashgar, "
        "和田 Hotan, 伊犁 Ili, 塔城 Tacheng, 阿勒泰 Altay"
    ),
    "71": (
        "台北 Taipei, 新北 New Taipei, 桃园 Taoyuan, 台中 Taichung, 台南 Tainan, "
        "高雄 Kaohsiung, 基隆 Keelung, 新竹 Hsinchu, 嘉义 Chiayi"
    ),
    "81": "香港 Hong Kong",
    "82": "澳门 Macau",
}


def _parse_cities(line: str) -> tuple[City, ...]:
    """Turn ``"广州 Guangzhou, 深圳 Shenzhen"`` into City tuples."""
    return tuple(City(*pair.strip().split(" ", 1)) for pair in line.split(","))


CITIES: dict[str, tuple[City, ...]] = {
    code: _parse_cities(line) for code, line in _CITY_TABLE.items()
}

_PROVINCE_BY_CODE = {province.code: province for province in PROVINCES}
# Suffixes an official name may add; ethnic words may precede the autonomous ones.
_PROVINCE_SUFFIXES_ZH = ("省", "市", "特别行政区")
_CITY_SUFFIXES_ZH = ("市", "地区", "盟")
_PROVINCE_SUFFIXES_EN = ("province", "municipality", "city", "sar", "special administrative region")
_CITY_SUFFIXES_EN = ("city", "prefecture", "league")
_PROVINCE_ALIASES = {"macao": "82", "xizang": "54", "nei mongol": "15", "neimenggu": "15"}


def _chinese_key(text: str) -> str:
    """NFKC without any whitespace, for comparing Chinese names."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _english_key(text: str) -> str:
    """Lower case without accents, apostrophes or hyphens: ``Xi'an`` -> ``xian``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("'", "").replace("’", "").replace("-", " ")
    return " ".join(plain.split())


def _matches_chinese(text: str, name: str, suffixes: tuple[str, ...], autonomous: str) -> bool:
    """``text`` is ``name``, optionally followed by a suffix or by ``...autonomous``."""
    if not text.startswith(name):
        return False
    rest = text[len(name) :]
    return rest in ("", *suffixes) or rest.endswith(autonomous)


def _matches_english(text: str, name: str, suffixes: tuple[str, ...], autonomous: str) -> bool:
    """Like ``_matches_chinese`` for English keys; spaces inside the name are optional."""
    key = _english_key(name)
    if text.replace(" ", "") == key.replace(" ", ""):
        return True
    if not text.startswith(key + " "):
        return False
    rest = text[len(key) + 1 :]
    return rest in suffixes or rest.endswith(autonomous)


def _label(zh: str, en: str, language: str) -> str:
    """The Chinese label for any ``zh*`` language, the English one otherwise."""
    return zh if language.lower().startswith("zh") else en


def province_choices(language: str = "en") -> list[tuple[str, str]]:
    """``(code, label)`` pairs in code order; ``zh-hans`` (any ``zh*``) labels in Chinese."""
    return [(p.code, _label(p.name_zh, p.name_en, language)) for p in PROVINCES]


def city_choices(province_code: str, language: str = "en") -> list[tuple[str, str]]:
    """``(Chinese name, label)`` pairs for a province's cities; empty for an unknown code."""
    return [
        (c.name_zh, _label(c.name_zh, c.name_en, language)) for c in CITIES.get(province_code, ())
    ]


def find_province(text: str) -> Province | None:
    """Find a province by code, Chinese name (省/市/自治区 optional) or English name."""
    value = text.strip()
    if value in _PROVINCE_BY_CODE:
        return _PROVINCE_BY_CODE[value]
    chinese, english = _chinese_key(value), _english_key(value)
    if not chinese:
        return None
    for province in PROVINCES:
        zh_match = _matches_chinese(chinese, province.name_zh, _PROVINCE_SUFFIXES_ZH, "自治区")
        en_match = _matches_english(
            english, province.name_en, _PROVINCE_SUFFIXES_EN, "autonomous region"
        )
        if zh_match or en_match:
            return province
    alias = _PROVINCE_ALIASES.get(english)
    return _PROVINCE_BY_CODE[alias] if alias else None


def is_valid_city(province_code: str, city: str) -> bool:
    """True when ``city`` (Chinese or English, 市 optional) is a city of that province."""
    chinese, english = _chinese_key(city), _english_key(city)
    if not chinese:
        return False
    return any(
        _matches_chinese(chinese, c.name_zh, _CITY_SUFFIXES_ZH, "自治州")
        or _matches_english(english, c.name_en, _CITY_SUFFIXES_EN, "autonomous prefecture")
        for c in CITIES.get(province_code, ())
    )
