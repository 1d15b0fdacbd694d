"""Turning a service's ValidationError into form errors."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach field errors to the matching form fields, the rest to the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def flash_errors(request: HttpRequest, error: ValidationError) -> None:
    """Show each message of a service's ValidationError on the next page."""
    for message in error.messages:
        messages.error(request, message)
