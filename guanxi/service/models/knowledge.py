"""The knowledge base: articles agents write once and customers read on the public FAQ,
and what readers answered to "did this answer your question?" (a yes is a deflection:
a question answered without a ticket)."""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import Trashable


class ArticleLanguage(models.TextChoices):
    CHINESE = "zh-hans", _("Simplified Chinese")
    ENGLISH = "en", _("English")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")


class ArticleVisibility(models.TextChoices):
    INTERNAL = "internal", pgettext_lazy("article visibility", "Internal (staff only)")
    PUBLIC = "public", pgettext_lazy("article visibility", "Public (FAQ)")


class FeedbackSource(models.TextChoices):
    FAQ = "faq", pgettext_lazy("feedback source", "FAQ page")
    HELP_FORM = "help_form", pgettext_lazy("feedback source", "Help form")
    API = "api", pgettext_lazy("feedback source", "API")


class Article(Trashable):
    """One answer in one language: drafted by agents, published by service managers;
    public ones show on the FAQ and the help form, internal ones to staff only."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text; **bold**, lists (- item), # headings and links.")
    )
    keywords = models.CharField(
        _("search words"),
        max_length=300,
        blank=True,
        help_text=_("Other words customers use for this problem, separated by spaces."),
    )
    category = models.ForeignKey(
        "service.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        verbose_name=_("category"),
    )
    product = models.ForeignKey(
        "sales.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("product"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=ArticleLanguage.choices, default="zh-hans"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=ArticleVisibility.choices,
        default=ArticleVisibility.INTERNAL,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["status", "visibility", "language"], name="kb_public_idx")]
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("service:kb_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("service:faq_article", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.visibility == ArticleVisibility.PUBLIC

    @property
    def body_html(self) -> SafeString:
        return render_text(self.body)


class ArticleFeedback(models.Model):
    """One reader's answer to "did this answer your question?"; a yes is a deflection."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    helpful = models.BooleanField(_("answered the question"))
    source = models.CharField(_("where"), max_length=12, choices=FeedbackSource.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")

    def __str__(self) -> str:
        return f"{self.article_id}:{'yes' if self.helpful else 'no'}"


# --- the article text: a small, safe subset of Markdown -------------------------------------

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+|/[^\s)]*)\)")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_CODE = re.compile(r"`([^`\n]+)`")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _inline(text: str) -> str:
    """Escape everything, then allow bold, code and http(s) or site links."""
    escaped = html.escape(text, quote=True)
    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _LINK.sub(r'<a href="\2" rel="nofollow noopener">\1</a>', escaped)


def render_text(text: str) -> SafeString:
    """Paragraphs, ``#`` headings, ``-`` and ``1.`` lists, ``**bold**``, `` `code` `` and
    ``[links](https://…)``; any HTML in the text is shown as text, never run."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            inner = "".join(f"<li>{_inline(item)}</li>" for item in items)
            blocks.append(f"<{list_tag}>{inner}</{list_tag}>")
            items.clear()
            list_tag = ""

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading, bullet, numbered = _HEADING.match(line), _BULLET.match(line), _NUMBERED.match(line)
        if not line:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1)) + 1  # the page's own title is the h1
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or numbered).group(1))  # type: ignore[union-attr]
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # every piece of text was escaped above
