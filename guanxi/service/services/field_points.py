"""Service points and their technicians: set up by service managers, and the choice of
the point covering a customer's address (district over city over province)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.access import can
from guanxi.core.models import Team, User
from guanxi.core.services.audit import save_audited, snapshot
from guanxi.customers.services.common import Errors, clean_region, clean_text
from guanxi.service.models import BusinessCalendar, ServicePoint, Technician
from guanxi.service.object_types import SERVICE_POINT

POINT_FIELDS = (
    "name",
    "province",
    "city",
    "district",
    "street",
    "coverage",
    "team_id",
    "calendar_id",
    "is_active",
)
TECHNICIAN_FIELDS = ("user_id", "service_point_id", "skills", "is_active")
_DISTRICT_SUFFIXES = ("区", "县", "市", " district", " county")


def normalise_district(text: str) -> str:
    """A district compared without its 区/县 (or "District") suffix and case."""
    value = str(text or "").strip().casefold()
    for suffix in _DISTRICT_SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[: -len(suffix)].strip()
    return value


def _require(actor: User, action: str) -> None:
    if not can(actor, SERVICE_POINT, action):
        raise PermissionDenied


def clean_coverage(
    errors: Errors, rows: Iterable[Mapping[str, Any]] | None
) -> list[dict[str, str]]:
    """Each area a province (code or name), optionally a city in it and a district of
    that city; errors name ``coverage.<n>.<part>``."""
    cleaned: list[dict[str, str]] = []
    for index, row in enumerate(rows or []):
        prefix = f"coverage.{index}."
        if not isinstance(row, Mapping):
            errors.add(f"coverage.{index}", _("Give a province, a city and a district."))
            continue
        _country, province, city = clean_region(
            errors, prefix, "CN", row.get("province"), row.get("city")
        )
        district = clean_text(errors, f"{prefix}district", row.get("district"), max_length=100)
        if not province:
            errors.add(f"{prefix}province", _("This field is required."))
        if district and not city:
            errors.add(f"{prefix}city", _("Choose the city of this district."))
        area = {"province": province, "city": city, "district": district}
        if area not in cleaned:
            cleaned.append(area)
    return cleaned


def _clean_point(errors: Errors, data: dict[str, Any], current: ServicePoint | None) -> None:
    if "name" in data:
        data["name"] = clean_text(errors, "name", data["name"], max_length=100, required=True)
        clash = ServicePoint.objects.filter(name__iexact=data["name"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if data["name"] and clash.exists():
            errors.add("name", _("A service point with this name already exists."))
    if "province" in data or "city" in data:
        province = data.get("province", current.province if current else "")
        city = data.get("city", current.city if current else "")
        _country, data["province"], data["city"] = clean_region(errors, "", "CN", province, city)
    for name, size in (("district", 100), ("street", 300)):
        if name in data:
            data[name] = clean_text(errors, name, data[name], max_length=size)
    if "coverage" in data:
        data["coverage"] = clean_coverage(errors, data["coverage"])
    if "team" in data and data["team"] is not None and not isinstance(data["team"], Team):
        errors.add("team", _("This does not exist."))
    calendar = data.get("calendar")
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        errors.add("calendar", _("This does not exist."))


@transaction.atomic
def create_service_point(*, actor: User, name: str, **fields: Any) -> ServicePoint:
    """A service point with its address, coverage area, team and optional calendar."""
    _require(actor, "add")
    errors = Errors()
    data = {"name": name, **fields}
    _clean_point(errors, data, None)
    errors.raise_if_any()
    point = ServicePoint(**data)
    save_audited(actor=actor, obj=point, fields=POINT_FIELDS)
    return point


@transaction.atomic
def update_service_point(*, actor: User, point: ServicePoint, **fields: Any) -> ServicePoint:
    """Change the given fields of a service point (audited)."""
    _require(actor, "change")
    errors = Errors()
    data = dict(fields)
    _clean_point(errors, data, point)
    errors.raise_if_any()
    before = snapshot(point, POINT_FIELDS)
    for key, value in data.items():
        setattr(point, key, value)
    save_audited(actor=actor, obj=point, fields=POINT_FIELDS, before=before)
    return point


def clean_skills(value: Any) -> list[str]:
    """Skills from a list or comma-separated text (Chinese commas too), de-duplicated."""
    if value is None:
        return []
    parts = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    skills: list[str] = []
    for part in parts:
        text = str(part).strip()[:100]
        if text and text.casefold() not in {s.casefold() for s in skills}:
            skills.append(text)
    return skills


def _check_technician(
    errors: Errors, user: Any, point: Any, current: Technician | None = None
) -> None:
    if current is None:
        if not isinstance(user, User) or not user.is_active:
            errors.add("user", _("Choose an active user."))
        elif Technician.objects.filter(user=user).exists():
            errors.add("user", _("This user is already a technician."))
    if point is not None and (not isinstance(point, ServicePoint) or not point.is_active):
        errors.add("service_point", _("Choose an active service point."))


@transaction.atomic
def add_technician(
    *, actor: User, service_point: ServicePoint, user: User, skills: Any = None
) -> Technician:
    """Make a user a technician of a service point with their skills (product
    categories or free tags)."""
    _require(actor, "change")
    errors = Errors()
    _check_technician(errors, user, service_point)
    errors.raise_if_any()
    technician = Technician(user=user, service_point=service_point, skills=clean_skills(skills))
    save_audited(actor=actor, obj=technician, fields=TECHNICIAN_FIELDS)
    return technician


@transaction.atomic
def update_technician(*, actor: User, technician: Technician, **fields: Any) -> Technician:
    """Move a technician to another point, change their skills or (de)activate them."""
    _require(actor, "change")
    errors = Errors()
    if "service_point" in fields:
        if fields["service_point"] is None:
            errors.add("service_point", _("This field is required."))
        else:
            _check_technician(errors, technician.user, fields["service_point"], technician)
    errors.raise_if_any()
    before = snapshot(technician, TECHNICIAN_FIELDS)
    if "service_point" in fields:
        technician.service_point = fields["service_point"]
    if "skills" in fields:
        technician.skills = clean_skills(fields["skills"])
    if "is_active" in fields:
        technician.is_active = bool(fields["is_active"])
    save_audited(actor=actor, obj=technician, fields=TECHNICIAN_FIELDS, before=before)
    return technician


def coverage_rank(point: ServicePoint, province: str, city: str, district: str) -> int:
    """How specifically the point covers the place: 3 district, 2 city, 1 province, 0 not."""
    best = 0
    wanted_district = normalise_district(district)
    for area in point.coverage or []:
        if not province or area.get("province") != province:
            continue
        area_city, area_district = area.get("city", ""), area.get("district", "")
        if not area_city:
            best = max(best, 1)
        elif area_city == city:
            if not area_district:
                best = max(best, 2)
            elif wanted_district and normalise_district(area_district) == wanted_district:
                best = 3
    return best


def point_covering(province: str, city: str = "", district: str = "") -> ServicePoint | None:
    """The active service point covering the place most specifically (district, then
    city, then province); on a tie the first by name."""
    ranked = [
        (coverage_rank(point, province, city, district), point)
        for point in ServicePoint.objects.filter(is_active=True).order_by("name", "pk")
    ]
    ranked = [item for item in ranked if item[0] > 0]
    if not ranked:
        return None
    best = max(rank for rank, _point in ranked)
    return next(point for rank, point in ranked if rank == best)
