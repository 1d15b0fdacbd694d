"""API schemas of field service: service points, technicians, visits, the dispatch
board and performance."""

from __future__ import annotations

from datetime import date, datetime, time

from ninja import Field, Schema


class CoverageArea(Schema):
    province: str = Field(description="A province: GB/T 2260 code (44) or name (广东)")
    city: str = ""
    district: str = ""


class ServicePointSchema(Schema):
    id: int
    name: str
    province: str
    city: str
    district: str
    street: str
    coverage: list[CoverageArea]
    team_id: int | None
    calendar_id: int | None
    is_active: bool


class ServicePointIn(Schema):
    name: str
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    coverage: list[CoverageArea] = []
    team_id: int | None = None
    calendar_id: int | None = None
    is_active: bool = True


class ServicePointPatchIn(Schema):
    name: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    coverage: list[CoverageArea] | None = None
    team_id: int | None = None
    calendar_id: int | None = None
    is_active: bool | None = None


class TechnicianSchema(Schema):
    id: int
    user_id: int
    name: str = Field(alias="user.full_name")
    service_point_id: int
    skills: list[str]
    is_active: bool


class TechnicianIn(Schema):
    user_id: int
    service_point_id: int
    skills: list[str] = []


class TechnicianPatchIn(Schema):
    service_point_id: int | None = None
    skills: list[str] | None = None
    is_active: bool | None = None


class VisitPartSchema(Schema):
    product_id: int
    quantity: int
    serial: str


class VisitSchema(Schema):
    id: int
    ticket_id: int
    ticket_number: str = Field(alias="ticket.number")
    service_point_id: int
    technician_id: int | None
    skill: str
    status: str
    requested_at: datetime
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    arrived_at: datetime | None
    completed_at: datetime | None
    travel_minutes: int | None
    outcome: str
    report: str
    notes: str
    overdue: bool = Field(alias="is_overdue")
    overdue_at: datetime | None
    repeat_of_id: int | None = Field(description="The earlier done visit this repair repeats")


class VisitDetailSchema(VisitSchema):
    parts: list[VisitPartSchema]

    @staticmethod
    def resolve_parts(obj: object) -> list[object]:
        return list(obj.parts.all())  # type: ignore[attr-defined]


class VisitPage(Schema):
    items: list[VisitSchema]
    next_cursor: str | None


class VisitRequestIn(Schema):
    service_point_id: int | None = Field(
        None, description="Empty: the point covering the customer's address"
    )
    skill: str | None = Field(None, description="Empty: the product's category")
    notes: str = ""


class ScheduleIn(Schema):
    technician_id: int
    scheduled_start: datetime
    scheduled_end: datetime


class VisitStatusIn(Schema):
    status: str = Field(description="en_route, on_site, no_access or cancelled")


class PartIn(Schema):
    product_id: int
    quantity: int = 1
    serial: str = ""


class CompleteIn(Schema):
    outcome: str = Field(description="fixed, another_visit, not_fixable or customer_absent")
    report: str = ""
    travel_minutes: int | None = None
    parts: list[PartIn] = []


class DayHours(Schema):
    day: date
    hours: str = Field(description="The working hours that day as text, e.g. 09:00–18:00")


class AbsenceSchema(Schema):
    starts_at: datetime
    ends_at: datetime


class FreeSlot(Schema):
    start: datetime
    end: datetime


class DispatchRow(Schema):
    technician_id: int
    name: str
    service_point_id: int
    skills: list[str]
    visits: list[VisitSchema]
    hours: list[DayHours] = Field(description="Per day shown")
    absences: list[AbsenceSchema] = Field(description="Time off overlapping the days shown")
    free_slots: list[FreeSlot] = Field(description="The next three free two-hour windows")


class DispatchSchema(Schema):
    start: date
    days: int
    rows: list[DispatchRow]
    unscheduled: list[VisitSchema]


class FiguresSchema(Schema):
    id: int
    name: str
    visits: int
    done: int
    avg_hours_to_visit: float | None
    median_hours_to_visit: float | None
    avg_resolution_hours: float | None
    median_resolution_hours: float | None
    repeated: int
    repeat_rate: float | None
    first_time_fix_rate: float | None
    satisfaction: float | None
    surveys: int


class RepeatSchema(Schema):
    visit_id: int
    ticket_id: int
    repeat_of_id: int
    serial: str | None
    product_id: int | None
    outcome: str
    previous_outcome: str
    previous_report: str


class PerformanceSchema(Schema):
    start: date
    end: date
    points: list[FiguresSchema]
    technicians: list[FiguresSchema]
    repeats: list[RepeatSchema]


class HoursRow(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday")
    starts: time
    ends: time


class HoursSchema(Schema):
    technician_id: int
    source: str = Field(
        description="own: the technician's hours; service_point: the point's business "
        "calendar; any: no calendar, any time"
    )
    timezone: str
    own: list[HoursRow] = Field(description="The technician's own hours (empty: none)")
    weekly: list[HoursRow] = Field(description="The weekly hours they work by")


class HoursIn(Schema):
    hours: list[HoursRow] = Field(description="Empty: work by the service point's calendar")


class TimeOffSchema(Schema):
    id: int
    technician_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    note: str
    created_by_id: int | None
    created_at: datetime


class TimeOffIn(Schema):
    starts_at: datetime
    ends_at: datetime
    reason: str = Field("leave", description="leave, sick, training or other")
    note: str = ""


class SlotSchema(Schema):
    technician_id: int
    start: datetime
    end: datetime
