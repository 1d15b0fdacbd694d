"""Public forms: pages anyone may fill in without logging in (web-to-lead, later the
service help form and event registrations), and what visitors sent through them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PublicForm(models.Model):
    """A public page at ``/f/<slug>/`` whose submissions a registered kind handles.

    ``fields`` lists the handler's fields shown, in order: ``{"name", "required",
    "label", "label_zh"}`` (an empty label: the handler's own, translated)."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, default="lead")
    title = models.CharField(_("heading"), max_length=200, blank=True)
    title_zh = models.CharField(_("Chinese heading"), max_length=200, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    consent_text = models.TextField(
        _("consent wording"),
        blank=True,
        help_text=_("Empty: no consent checkbox. The wording shown is stored with each answer."),
    )
    consent_text_zh = models.TextField(_("Chinese consent wording"), blank=True)
    success_message = models.CharField(_("thank-you message"), max_length=300, blank=True)
    success_message_zh = models.CharField(
        _("Chinese thank-you message"), max_length=300, blank=True
    )
    call_within_hours = models.PositiveIntegerField(
        _("call back within (hours)"),
        default=4,
        help_text=_("Leads: a visitor asking to be called gets a first-contact task due then."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("public form")
        verbose_name_plural = _("public forms")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:public_form", args=[self.slug])

    def in_language(self, english: str, chinese: str) -> str:
        """The Chinese text for Chinese readers when there is one, else the English."""
        if chinese and (get_language() or "").startswith("zh"):
            return chinese
        return english


class FormSubmission(models.Model):
    """One visitor's answers to a public form, and the record its handler made."""

    form = models.ForeignKey(PublicForm, on_delete=models.CASCADE, related_name="submissions")
    data = models.JSONField(_("answers"), default=dict)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    result_type = models.CharField(_("record type"), max_length=64, blank=True)
    result_id = models.CharField(_("record id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["form", "ip_address", "created_at"], name="submission_rate_idx")
        ]
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.form_id}@{self.created_at:%Y-%m-%d %H:%M}"
