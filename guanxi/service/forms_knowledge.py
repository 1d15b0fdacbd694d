"""Forms of the knowledge base pages and the public help and FAQ pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.sales.selectors_quotes import product_choices
from guanxi.service.models import Article, Category
from guanxi.service.models.knowledge import ArticleLanguage, ArticleVisibility


class ArticleForm(forms.Form):
    """An article's text and where it shows (publishing is a separate button)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=Article._meta.get_field("body").help_text,
    )
    keywords = forms.CharField(
        label=_("Search words"),
        max_length=300,
        required=False,
        help_text=Article._meta.get_field("keywords").help_text,
    )
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=ArticleVisibility.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["product"].queryset = product_choices(user)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "body": article.body,
            "keywords": article.keywords,
            "language": article.language,
            "visibility": article.visibility,
            "category": article.category_id,
            "product": article.product_id,
        }


class FeedbackForm(forms.Form):
    """ "Did this answer your question?" — yes or no."""

    answer = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
