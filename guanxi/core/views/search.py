"""The search page behind the box in the top bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guanxi.core.access import can
from guanxi.core.search import search, searchables

PAGE = 50


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    kinds = [
        {"key": s.key, "label": s.label} for s in searchables() if can(request.user, s.key, "view")
    ]
    chosen = request.GET.get("type", "")
    types = [chosen] if chosen in {k["key"] for k in kinds} else None
    results = search(request.user, text, types=types, limit=PAGE) if text else []
    context = {"q": text, "results": results, "kinds": kinds, "chosen": chosen}
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, context)
