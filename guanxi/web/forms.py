"""Forms of the web shell: log in, profile."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from guanxi.core.auth import is_locked_out
from guanxi.core.models import User

COMMON_TIME_ZONES = sorted(
    tz
    for tz in zoneinfo.available_timezones()
    if "/" in tz and not tz.startswith(("Etc/", "SystemV/"))
)


class LoginForm(AuthenticationForm):
    """E-mail and password; says so when the account is locked out."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Wrong email or password."),
        "inactive": _("This account is inactive."),
        "locked": _(
            "Too many failed logins. The account is locked for %(minutes)s minutes; "
            "try again later or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            # The backend refuses locked accounts too; asking first lets us say why.
            if is_locked_out(email):
                raise forms.ValidationError(
                    self.error_messages["locked"],
                    code="locked",
                    params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
                )
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ProfileForm(forms.ModelForm):
    """What every user may change about themselves."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(tz, tz) for tz in COMMON_TIME_ZONES]
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone", "email_digest"]
