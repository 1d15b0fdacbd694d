"""Performance per service point and technician for a period (story 19), with the
repeat repairs behind the repeat rate."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from guanxi.core.decorators import require_action
from guanxi.service.object_types import FIELD_PERFORMANCE
from guanxi.service.selectors_field_performance import field_performance, performance_points

DEFAULT_DAYS = 90


def _date(text: str, default: date) -> date:
    try:
        return parse_date(text) or default
    except ValueError:
        return default


@require_action(FIELD_PERFORMANCE, "view")
def field_performance_view(request: HttpRequest) -> HttpResponse:
    """``?start=&end=`` (the last 90 days by default) and ``?point=`` for one point."""
    today = timezone.localdate()
    end = _date(request.GET.get("end", ""), today)
    start = _date(request.GET.get("start", ""), today - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        start, end = end, start
    points = performance_points(request.user)
    point_id = request.GET.get("point", "")
    point = points.filter(pk=point_id).first() if point_id.isdigit() else None
    figures = field_performance(request.user, start=start, end=end, point=point)
    context = {"figures": figures, "points": points, "point": point, "start": start, "end": end}
    return render(request, "service/field_performance.html", context)
