"""``makemessages`` that also finds ``_lazy("…")``: some modules import gettext_lazy
under that name next to gettext as ``_``."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
