"""API schemas for knowledge base articles and readers' feedback.

Inputs forbid unknown fields. ``body`` is the article's text (plain text with a little
Markdown); ``public_url`` is the FAQ page of a published public article, else null.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from guanxi.customers.schemas import UserRef
from guanxi.sales.schemas_quotes import ProductRef
from guanxi.service.schemas import CategoryRef


class ArticleSchema(Schema):
    id: int
    title: str
    body: str
    keywords: str = Field(description="Other words readers use for the problem")
    category: CategoryRef | None
    product: ProductRef | None
    language: str = Field(description="zh-hans or en")
    status: str = Field(description="draft or published")
    visibility: str = Field(description="internal (staff only) or public (FAQ)")
    author: UserRef | None
    published_at: datetime | None
    view_count: int
    helpful_yes: int = Field(description="Readers it answered (deflections)")
    helpful_no: int
    public_url: str | None = Field(description="The FAQ page, for published public articles")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_public_url(obj: Any) -> str | None:
        return obj.get_public_url() if obj.is_public else None


class ArticlePage(Schema):
    items: list[ArticleSchema]
    next_cursor: str | None


class ArticleHit(Schema):
    """An article found by a search or suggested for a ticket, with its score."""

    id: int
    title: str
    language: str
    visibility: str
    score: int = Field(description="Higher is better: title matches count most")
    public_url: str | None

    @staticmethod
    def resolve_public_url(obj: Any) -> str | None:
        return obj.get_public_url() if obj.is_public else None


class ArticleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    body: str
    keywords: str = ""
    language: str = Field(default="zh-hans", description="zh-hans or en")
    visibility: str = Field(default="internal", description="internal or public")
    category_id: int | None = None
    product_id: int | None = None
    publish: bool = Field(default=False, description="Publish at once (needs approval rights)")


class ArticlePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    keywords: str | None = None
    language: str | None = None
    visibility: str | None = None
    category_id: int | None = Field(default=None, description="null: no category")
    product_id: int | None = Field(default=None, description="null: no product")


class FeedbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    helpful: bool = Field(description="true: the article answered the question (a deflection)")
    language: str = ""


class FeedbackSchema(Schema):
    id: int
    article_id: int
    helpful: bool
    source: str
    language: str
    created_at: datetime


class DeflectionSchema(Schema):
    deflected: int = Field(description="Readers an article answered")
    not_helpful: int
    from_help_form: int = Field(description="Answered on the help form: no ticket opened")
    from_faq: int
