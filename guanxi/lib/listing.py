"""The list pattern every HTML list page shares: search, sort and page a queryset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def list_page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    search_fields: Sequence[str] = (),
    sort_fields: Sequence[str] = (),
    default_sort: str | None = None,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    """Apply ``?q=``, ``?sort=`` (only whitelisted fields) and ``?page=``.

    Returns the template context: ``page_obj``, ``object_list``, ``q`` and ``sort``.
    """
    text = request.GET.get("q", "").strip()
    if text and search_fields:
        condition = Q()
        for field in search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        queryset = queryset.filter(condition)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in sort_fields:
        sort = default_sort or ""
    if sort:
        queryset = queryset.order_by(sort, "-pk" if sort.startswith("-") else "pk")
    page: Page[Any] = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    return {"page_obj": page, "object_list": page.object_list, "q": text, "sort": sort}
