"""``POST /inbound/email/``: mail handed over by an e-mail service or relay over HTTP.

The body is the raw RFC 5322 message (``message/rfc822`` or
``application/octet-stream``); the caller proves itself with the shared secret in the
``X-Guanxi-Inbound-Secret`` header. No session, no CSRF token, no user: the secret is
the only credential, so the endpoint does not exist (404) until one is configured.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from guanxi.service.inbound import MailParseError
from guanxi.service.services.inbound_mail import receive_mail

SECRET_HEADER = "X-Guanxi-Inbound-Secret"  # noqa: S105 - a header name
RECIPIENT_HEADER = "X-Guanxi-Recipient"  # envelope recipients, comma-separated
CONTENT_TYPES = ("message/rfc822", "application/octet-stream")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
def inbound_email(request: HttpRequest) -> JsonResponse:
    """Receive one message: 201 with the outcome when something was stored, 200 when
    nothing was (a duplicate, an ignored auto-reply, no contact to log it on)."""
    secret = getattr(settings, "INBOUND_EMAIL_SECRET", "") or ""
    if not secret:
        raise Http404
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "POST the raw message.")
        response["Allow"] = "POST"
        return response
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _error(403, "forbidden", "Wrong or missing secret.")
    content_type = (request.content_type or "").lower()
    if content_type not in CONTENT_TYPES:
        return _error(415, "unsupported_media_type", "Send message/rfc822.")
    limit = settings.INBOUND_EMAIL_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(413, "too_large", f"The limit is {limit} bytes.")
    # Read the stream ourselves: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _error(413, "too_large", f"The limit is {limit} bytes.")
    recipients = request.headers.get(RECIPIENT_HEADER, "").split(",")
    try:
        outcome = receive_mail(raw, recipients=recipients)
    except MailParseError as error:
        return _error(400, "unparseable", f"Not an e-mail message: {error}.")
    except ValidationError as error:
        return _error(400, "refused", "; ".join(str(m) for m in error.messages))
    except DatabaseError:
        # The sender should retry, as an MTA would after EX_TEMPFAIL.
        return _error(503, "unavailable", "Try again later.")
    return JsonResponse(outcome.as_dict(), status=201 if outcome.stored else 200)
