"""Forms of the survey pages: the customer's answer and sending an NPS survey now; the
services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.service.models import Survey, SurveyKind

HONEYPOT = "website_url"  # hidden from people; bots fill it in


class SurveyAnswerForm(forms.Form):
    """The score on the survey's scale (as radio buttons) and an optional comment."""

    score = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.ChoiceField)
        score.choices = [(str(n), str(n)) for n in survey.scale]
        score.label = (
            _("How satisfied are you with our service?")
            if survey.kind == SurveyKind.CSAT
            else _("How likely are you to recommend us to a friend or colleague?")
        )
        self.fields[HONEYPOT] = forms.CharField(
            required=False,
            label=_("Leave this empty"),
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )


class SendNpsForm(forms.Form):
    """The contact to ask now, by one of their e-mail addresses."""

    email = forms.EmailField(
        label=_("Contact's e-mail address"),
        help_text=_("One of the contact's e-mail addresses; the survey goes to the primary one."),
    )
