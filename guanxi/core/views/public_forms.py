"""Public forms: the page visitors fill in without logging in (``/f/<slug>/``), and the
administrators' pages to set forms up and read what came in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from guanxi.core.auth import client_ip
from guanxi.core.models import PublicForm
from guanxi.core.public_forms import (
    CHECKBOX,
    CHOICE,
    EMAIL,
    TEXTAREA,
    FormHandler,
    form_kind,
    form_kinds,
)
from guanxi.core.services.public_forms import (
    RateLimited,
    create_public_form,
    delete_public_form,
    submit_public_form,
    update_public_form,
)
from guanxi.core.views.errors import add_service_errors

HONEYPOT = "website_url"  # hidden from people; bots fill it in
CONSENT = "consent"


def _visitor_language(request: HttpRequest) -> str:
    """``?lang=`` when it names a known language, else what the browser asked for."""
    wanted = request.GET.get("lang", "")
    codes = {code for code, _label in settings.LANGUAGES}
    if wanted.lower() in ("zh", "zh-cn", "zh-hans"):
        return "zh-hans"
    if wanted in codes:
        return wanted
    return translation.get_language_from_request(request)


def _field(spec: Any, row: dict[str, Any]) -> forms.Field:
    label = row.get("label_zh") if translation.get_language().startswith("zh") else ""
    label = label or row.get("label") or spec.label
    required = bool(row.get("required"))
    if spec.widget == CHECKBOX:
        return forms.BooleanField(label=label, required=required)
    if spec.widget == CHOICE:
        options = [("", "—"), *(spec.choices() if spec.choices else [])]
        return forms.ChoiceField(label=label, required=required, choices=options)
    if spec.widget == EMAIL:
        return forms.EmailField(label=label, required=required, max_length=spec.max_length)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.widget == TEXTAREA else None
    attrs = {"autocomplete": "tel", "inputmode": "tel"} if spec.widget == "phone" else {}
    field = forms.CharField(
        label=label, required=required, max_length=spec.max_length, widget=widget
    )
    field.widget.attrs.update(attrs)
    return field


def build_form(public: PublicForm, handler: FormHandler, data: Any = None) -> forms.Form:
    """The visitor's form: the chosen fields in order, the consent box, the honeypot."""
    form = forms.Form(data)
    for row in public.fields:
        spec = handler.spec(row.get("name", ""))
        if spec is not None:
            form.fields[spec.name] = _field(spec, row)
    wording = public.in_language(public.consent_text, public.consent_text_zh)
    if wording:
        form.fields[CONSENT] = forms.BooleanField(label=wording, required=False)
    form.fields[HONEYPOT] = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    return form


def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page: no login; CSRF-protected; a honeypot and a per-address limit."""
    public = PublicForm.objects.filter(slug=slug, is_active=True).first()
    handler = form_kind(public.kind) if public is not None else None
    if public is None or handler is None:
        raise Http404
    language = _visitor_language(request)
    with translation.override(language):
        form = build_form(public, handler, request.POST if request.method == "POST" else None)
        context: dict[str, Any] = {
            "public": public,
            "heading": public.in_language(public.title, public.title_zh) or public.name,
            "form": form,
            "honeypot": HONEYPOT,
            "language": language,
        }
        if request.method == "POST" and form.is_valid():
            answers = dict(form.cleaned_data)
            if answers.pop(HONEYPOT, ""):
                # A bot: thank it like a person, keep nothing.
                return _thanks(request, public, context)
            consent = bool(answers.pop(CONSENT, False))
            try:
                submit_public_form(
                    form=public,
                    data=answers,
                    consent_given=consent,
                    consent_wording=str(form.fields[CONSENT].label) if consent else "",
                    ip_address=client_ip(request),
                    user_agent=request.headers.get("User-Agent", ""),
                    language=language,
                )
            except RateLimited:
                context["limited"] = True
                response = render(request, "core/public_form.html", context, status=429)
                return response
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _thanks(request, public, context)
        return render(request, "core/public_form.html", context)


def _thanks(request: HttpRequest, public: PublicForm, context: dict[str, Any]) -> HttpResponse:
    message = public.in_language(public.success_message, public.success_message_zh)
    context["message"] = message or _("Thank you! We have received your message.")
    return render(request, "core/public_form_done.html", context)


# --- administration --------------------------------------------------------------------


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


class PublicFormForm(forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100)
    slug = forms.SlugField(
        label=_lazy("Address"), max_length=60, help_text=_lazy("The page is /f/<address>/.")
    )
    kind = forms.ChoiceField(label=_lazy("Kind"))
    title = forms.CharField(label=_lazy("Heading"), max_length=200, required=False)
    title_zh = forms.CharField(label=_lazy("Chinese heading"), max_length=200, required=False)
    shown = forms.MultipleChoiceField(
        label=_lazy("Fields shown"), widget=forms.CheckboxSelectMultiple, required=False
    )
    required_fields = forms.MultipleChoiceField(
        label=_lazy("Required fields"), widget=forms.CheckboxSelectMultiple, required=False
    )
    labels = forms.CharField(
        label=_lazy("Own labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("One per line: field = English label | 中文标签"),
    )
    consent_text = forms.CharField(
        label=_lazy("Consent wording"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    consent_text_zh = forms.CharField(
        label=_lazy("Chinese consent wording"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    success_message = forms.CharField(
        label=_lazy("Thank-you message"), max_length=300, required=False
    )
    success_message_zh = forms.CharField(
        label=_lazy("Chinese thank-you message"), max_length=300, required=False
    )
    call_within_hours = forms.IntegerField(
        label=_lazy("Call back within (hours)"), min_value=1, max_value=720, initial=4
    )
    is_active = forms.BooleanField(label=_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = form_kinds()
        self.fields["kind"].choices = [(key, handler.label) for key, handler in kinds]  # type: ignore[attr-defined]
        names = [(spec.name, spec.label) for _key, handler in kinds for spec in handler.fields]
        self.fields["shown"].choices = names  # type: ignore[attr-defined]
        self.fields["required_fields"].choices = names  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(public: PublicForm) -> dict[str, Any]:
        lines = [
            f"{row['name']} = {row.get('label', '')} | {row.get('label_zh', '')}"
            for row in public.fields
            if row.get("label") or row.get("label_zh")
        ]
        return {
            **{
                name: getattr(public, name)
                for name in (
                    "name",
                    "slug",
                    "kind",
                    "title",
                    "title_zh",
                    "consent_text",
                    "consent_text_zh",
                    "success_message",
                    "success_message_zh",
                    "call_within_hours",
                    "is_active",
                )
            },
            "shown": [row["name"] for row in public.fields],
            "required_fields": [row["name"] for row in public.fields if row.get("required")],
            "labels": "\n".join(lines),
        }

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        labels: dict[str, tuple[str, str]] = {}
        for line in data.pop("labels", "").splitlines():
            name, _sep, rest = line.partition("=")
            english, _bar, chinese = rest.partition("|")
            if name.strip():
                labels[name.strip()] = (english.strip(), chinese.strip())
        required = set(data.pop("required_fields", []))
        data["fields"] = [
            {
                "name": name,
                "required": name in required,
                "label": labels.get(name, ("", ""))[0],
                "label_zh": labels.get(name, ("", ""))[1],
            }
            for name in data.pop("shown", [])
        ]
        return data


@login_required
def public_form_list(request: HttpRequest) -> HttpResponse:
    """Every public form with its address and submission count; add one."""
    _require_admin(request)
    form = PublicFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = create_public_form(actor=request.user, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The form “%(name)s” was created.") % {"name": created.name}
            )
            return redirect("core:public_form_detail", pk=created.pk)
    context = {
        "forms": PublicForm.objects.annotate(submission_count=Count("submissions")),
        "form": form,
    }
    return render(request, "core/public_form_list.html", context)


@login_required
def public_form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One form's settings and its latest submissions."""
    _require_admin(request)
    public = get_object_or_404(PublicForm, pk=pk)
    form = PublicFormForm(request.POST or None, initial=PublicFormForm.initial_for(public))
    if request.method == "POST" and form.is_valid():
        try:
            update_public_form(actor=request.user, form=public, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The form was saved."))
            return redirect("core:public_form_detail", pk=public.pk)
    context = {
        "public": public,
        "form": form,
        "submissions": public.submissions.all()[:100],
        "public_url": request.build_absolute_uri(reverse("core:public_form", args=[public.slug])),
    }
    return render(request, "core/public_form_detail.html", context)


@require_POST
@login_required
def public_form_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    public = get_object_or_404(PublicForm, pk=pk)
    delete_public_form(actor=request.user, form=public)
    messages.success(request, _("The form was deleted."))
    return redirect("core:public_form_list")
