"""Forms for deals and pipelines; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.custom_fields import add_form_fields
from guanxi.customers.choices import ActivityKind
from guanxi.customers.forms import BLANK, OwnershipMixin, tags_field, tags_text
from guanxi.customers.models import Contact
from guanxi.customers.selectors import account_choices
from guanxi.sales.choices import ForecastCategory, LostReason, StageKind
from guanxi.sales.models import Deal, Pipeline, Stage
from guanxi.sales.object_types import DEAL


class DateInput(forms.DateInput):
    input_type = "date"


class DealForm(OwnershipMixin, forms.Form):
    object_type = DEAL

    name = forms.CharField(label=_("Name"), max_length=200)
    account = forms.ModelChoiceField(label=_("Account"), queryset=Pipeline.objects.none())
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.none(),
        required=False,
        help_text=_("Someone who works at the account."),
    )
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline"), queryset=Pipeline.objects.none(), required=False
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, initial=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty: the stage's default."),
    )
    expected_close = forms.DateField(label=_("Expected close"), required=False, widget=DateInput)
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"), choices=ForecastCategory.choices, required=False
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    competitors = forms.CharField(label=_("Competitors"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tags = tags_field()

    def __init__(
        self,
        *args: Any,
        user: Any,
        deal: Deal | None = None,
        pipelines: Any = None,
        contacts: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = account_choices(user)  # type: ignore[attr-defined]
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        if deal is None:
            self.fields["pipeline"].queryset = pipelines  # type: ignore[attr-defined]
            self.fields["pipeline"].help_text = _("Empty: the default pipeline.")
        else:
            del self.fields["pipeline"]  # a deal changes stage (and pipeline) by moving
        self.add_ownership_fields(user)
        add_form_fields(self, DEAL, deal.custom_fields if deal is not None else None)

    @staticmethod
    def initial_for(deal: Deal) -> dict[str, Any]:
        return {
            "name": deal.name,
            "account": deal.account_id,
            "contact": deal.contact_id,
            "amount": deal.amount,
            "currency": deal.currency,
            "probability": deal.probability,
            "expected_close": deal.expected_close,
            "forecast_category": deal.forecast_category,
            "next_step": deal.next_step,
            "competitors": deal.competitors,
            "description": deal.description,
            "tags": tags_text(deal),  # type: ignore[arg-type]
            "owner": deal.owner_id,
            "team": deal.team_id,
        }


class MoveForm(forms.Form):
    """Move a deal to another stage (the board's fallback and the deal page)."""

    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
    lost_reason = forms.ChoiceField(
        label=_("Lost because"), choices=BLANK + LostReason.choices, required=False
    )
    lost_note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, pipeline: Pipeline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(  # type: ignore[attr-defined]
            pipeline=pipeline
        ).order_by("position", "pk")


class DealActivityForm(forms.Form):
    """The deal page's quick-add: log a call, meeting, note, email or task."""

    kind = forms.ChoiceField(label=_("Log"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0)
    is_default = forms.BooleanField(label=_("Default pipeline"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StageForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    probability = forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices, initial="open")

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("id") and not self.cleaned_data.get("name")


StageFormSet = forms.formset_factory(StageForm, extra=2)


class StageMoveForm(forms.Form):
    move_to = forms.ModelChoiceField(label=_("Move its deals to"), queryset=Stage.objects.none())

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = (  # type: ignore[attr-defined]
            Stage.objects.filter(pipeline_id=stage.pipeline_id)
            .exclude(pk=stage.pk)
            .exclude(kind=StageKind.LOST)
            .order_by("position", "pk")
        )
