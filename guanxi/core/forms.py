"""Forms for administering users and teams, and for API tokens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from guanxi.core.choices import FieldType
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


class ChoicesField(forms.CharField):
    """One choice per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]

    def prepare_value(self, value: object) -> object:
        return "\n".join(value) if isinstance(value, list) else value


class CustomFieldForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Record type"))
    label = forms.CharField(label=_("Label"), max_length=100)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=100, required=False)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("Used in the API and exports; made from the label when left empty."),
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = ChoicesField(
        label=_("Choices"), required=False, help_text=_("For choice fields: one per line.")
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)

    def __init__(self, *args: object, types: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["object_type"].choices = types  # type: ignore[attr-defined]


class CustomFieldEditForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=100, required=False)
    choices = ChoicesField(
        label=_("Choices"), required=False, help_text=_("For choice fields: one per line.")
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0)
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("Inactive fields are hidden everywhere.")
    )
