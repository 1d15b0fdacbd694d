"""Demo knowledge base: bilingual answers to the questions customers ask most (a printer
paper jam, a password reset, the warranty, an invoice), published on the public FAQ,
and one internal article for agents. Written through the article services; running it
twice adds nothing."""

from __future__ import annotations

from django.db import transaction

from guanxi.core.models import User
from guanxi.service.models import Article, Category
from guanxi.service.services.knowledge import create_article

# (category name, language, visibility, title, search words, text)
ARTICLES = [
    (
        "Hardware repair",
        "zh-hans",
        "public",
        "打印机卡纸怎么办",
        "卡纸 夹纸 不出纸 打印机 纸卷",
        "按以下步骤取出卡住的纸：\n\n"
        "1. 关闭打印机电源并拔下电源线。\n"
        "2. 打开前盖，**顺着出纸方向**慢慢拉出卡住的纸，不要用力撕扯。\n"
        "3. 检查纸卷方向：热敏纸的热敏面应朝外。\n"
        "4. 合上前盖，接通电源，按进纸键测试。\n\n"
        "如果指示灯仍然闪红灯，请通过帮助页面联系我们。",
    ),
    (
        "Hardware repair",
        "en",
        "public",
        "Printer paper jam: how to clear it",
        "jam jammed paper stuck printer roll feed",
        "To clear a paper jam:\n\n"
        "1. Switch the printer off and unplug it.\n"
        "2. Open the front cover and pull the paper out **in the direction it feeds**; "
        "do not tear it.\n"
        "3. Check the roll: the thermal side faces outwards.\n"
        "4. Close the cover, switch on and press the feed button to test.\n\n"
        "If the light still flashes red, contact us through the help page.",
    ),
    (
        "Software and licences",
        "zh-hans",
        "public",
        "如何重置账户密码",
        "密码 忘记密码 登录 重置 账号",
        "忘记密码时：\n\n"
        "- 在登录页点击“忘记密码”。\n"
        "- 输入注册时使用的邮箱，我们会发送重置链接（1 小时内有效）。\n"
        "- 设置至少 12 位的新密码。\n\n"
        "没有收到邮件？请检查垃圾邮件文件夹。",
    ),
    (
        "Software and licences",
        "en",
        "public",
        "How to reset your password",
        "password forgot login reset account sign in",
        "If you forgot your password:\n\n"
        "- Click **Forgot password** on the sign-in page.\n"
        "- Enter the e-mail address of your account: we send a reset link, valid for one "
        "hour.\n"
        "- Choose a new password of at least 12 characters.\n\n"
        "No e-mail? Look in your spam folder.",
    ),
    (
        "Hardware repair",
        "zh-hans",
        "public",
        "保修期多长？如何申请保修",
        "保修 质保 维修 序列号 坏了",
        "我们的硬件产品自发货之日起保修 **12 个月**（部分产品 24 个月）。\n\n"
        "申请保修时，请在帮助页面填写产品的**序列号**和故障描述，"
        "我们会确认保修状态并安排维修或更换。人为损坏不在保修范围内。",
    ),
    (
        "Hardware repair",
        "en",
        "public",
        "Warranty: how long and how to claim",
        "warranty guarantee repair broken serial number replacement",
        "Our hardware is under warranty for **12 months** from delivery (24 for some "
        "products).\n\n"
        "To claim, describe the fault on the help page with the product's **serial "
        "number**: we check the warranty and arrange a repair or a replacement. Damage "
        "caused by misuse is not covered.",
    ),
    (
        "Billing",
        "zh-hans",
        "public",
        "如何修改发票抬头或重开发票",
        "发票 抬头 税号 重开 开票 红冲",
        "发票抬头或税号有误时，我们可以作废（或红冲）原发票后重新开具：\n\n"
        "- 在帮助页面写明订单号、正确的抬头和税号；\n"
        "- 纸质发票请寄回原件；\n"
        "- 新发票一般在 3 个工作日内开出。",
    ),
    (
        "Billing",
        "en",
        "public",
        "How to correct or reissue an invoice",
        "invoice billing tax number company name wrong reissue fapiao",
        "If the company name or tax number on an invoice is wrong, we cancel it and issue "
        "a new one:\n\n"
        "- Send the order number and the correct company name and tax number through the "
        "help page;\n"
        "- return paper invoices;\n"
        "- the new invoice is issued within 3 working days.",
    ),
    (
        "Hardware repair",
        "zh-hans",
        "internal",
        "内部：热敏打印机反复卡纸的排查步骤",
        "卡纸 固件 切刀 传感器",
        "客户按 FAQ 操作后仍卡纸时：\n\n"
        "1. 远程确认固件版本，低于 2.3 的先升级。\n"
        "2. 请客户发送切刀附近的照片，检查是否有碎纸。\n"
        "3. 纸张传感器脏污时会误报缺纸，可用酒精棉清洁。\n"
        "4. 仍无法解决：在保修期内直接安排换机。",
    ),
]


def _author() -> User | None:
    """Who the demo articles are by: the first administrator (superuser)."""
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


@transaction.atomic
def load_knowledge(*, author: User | None = None) -> dict[str, int]:
    """Publish the demo articles (each once), by ``author`` (default: the first
    superuser); none without a user allowed to publish."""
    author = author or _author()
    if author is None:
        return {"articles": 0}
    categories = {category.name: category for category in Category.objects.all()}
    made = 0
    for category, language, visibility, title, keywords, body in ARTICLES:
        if Article.all_objects.filter(title=title).exists():
            continue
        create_article(
            actor=author,
            title=title,
            body=body,
            keywords=keywords,
            language=language,
            visibility=visibility,
            category=categories.get(category),
            publish=True,
        )
        made += 1
    return {"articles": made}


@transaction.atomic
def reset_knowledge() -> None:
    """Delete the demo articles (and their feedback) and their search documents."""
    from guanxi.core.models import SearchDocument

    titles = [row[3] for row in ARTICLES]
    ids = list(Article.all_objects.filter(title__in=titles).values_list("pk", flat=True))
    SearchDocument.objects.filter(object_type="service.article", object_id__in=ids).delete()
    Article.all_objects.filter(pk__in=ids).delete()
