"""Customer tiers: a configurable list (VIP / key / standard ...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The seeded tiers show their name in the reader's language.
BUILTIN_TIER_NAMES = {
    "vip": _("VIP"),
    "key": pgettext_lazy("customer tier", "Key"),
    "standard": _("Standard"),
}


class CustomerTier(models.Model):
    """A level of customer, used later by price lists and SLAs; ordered by rank."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    is_builtin = models.BooleanField(_("built-in"), default=False)

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("customer tier")
        verbose_name_plural = _("customer tiers")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        if self.is_builtin and self.code in BUILTIN_TIER_NAMES:
            return str(BUILTIN_TIER_NAMES[self.code])
        return self.name
