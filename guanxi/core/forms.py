"""Forms for administering users and teams, and for API tokens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import Role, Team, User


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Role) -> str:  # type: ignore[override]
        return obj.display_name


class InviteUserForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    roles = RoleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_superuser = forms.BooleanField(label=_("Administrator"), required=False)


class UserForm(forms.ModelForm):
    roles = RoleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "language", "time_zone", "is_superuser", "roles"]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=User.objects.filter(is_active=True), required=False
    )
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Managers see the records of the team's members."),
    )

    @classmethod
    def initial_for(cls, team: Team) -> dict[str, object]:
        memberships = list(team.memberships.all())
        return {
            "name": team.name,
            "description": team.description,
            "members": [m.user_id for m in memberships],
            "managers": [m.user_id for m in memberships if m.is_manager],
        }


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. 'ERP sync'.")
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for a token that does not expire."),
    )


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    color = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#e4e7eb",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
