"""Take one e-mail from the MTA: ``manage.py receive_mail [FILE]`` reads the raw RFC 5322
message from FILE or standard input and routes it (see docs/inbound-email.md).

Exit codes follow sysexits.h, which Postfix and Exim understand: 0 done (one summary
line on stdout); 65 EX_DATAERR the message cannot be read or is refused (the MTA bounces
it); 66 EX_NOINPUT the file cannot be opened; 75 EX_TEMPFAIL the database or anything
unexpected failed (the MTA keeps the message and retries: no mail is lost to a bug).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from guanxi.service.inbound import MailParseError
from guanxi.service.services.inbound_mail import receive_mail

EX_DATAERR = 65
EX_NOINPUT = 66
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Receive one e-mail message (from a file or standard input) into Guanxi."
    # Runs for every message the MTA delivers: skip the system checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default="-", help="File with the raw message; - or none: stdin."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="Envelope recipient (Postfix ${recipient}); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as error:
            raise CommandError(
                f"cannot read the message: {error}", returncode=EX_NOINPUT
            ) from error
        try:
            outcome = receive_mail(raw, recipients=options["recipient"])
        except MailParseError as error:
            raise CommandError(f"not an e-mail message: {error}", returncode=EX_DATAERR) from error
        except ValidationError as error:
            messages = "; ".join(str(m) for m in error.messages)
            raise CommandError(f"message refused: {messages}", returncode=EX_DATAERR) from error
        except DatabaseError as error:
            first = str(error).strip().splitlines()[:1]
            raise CommandError(
                f"database error: {' '.join(first)}", returncode=EX_TEMPFAIL
            ) from error
        except Exception as error:  # a bug must not bounce the customer's mail: retry later
            self.stderr.write(traceback.format_exc().rstrip())
            raise CommandError(f"failed: {error!r}", returncode=EX_TEMPFAIL) from error
        self.stdout.write(outcome.summary())
