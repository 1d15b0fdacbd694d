"""Who sees and changes quotes: they follow their deal; only managers approve."""

import pytest
from django.http import Http404
from django.urls import reverse

from guanxi.sales.choices_quotes import QuoteApproval
from guanxi.sales.models import Quote
from guanxi.sales.selectors_quotes import get_quote_for, quotes_visible_to
from guanxi.sales.services.deals import update_deal
from guanxi.testing.deals import make_deal
from guanxi.testing.quotes import make_quote, priced_product
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio():
    """A rep and a teammate rep managed by a sales manager, and an outsider rep."""
    owner = make_user(role="sales_rep")
    teammate = make_user(role="sales_rep")
    manager = make_user(role="sales_manager")
    outsider = make_user(role="sales_rep")
    make_team(members=[owner, teammate, manager], managers=[manager])
    make_team(members=[outsider])
    return owner, teammate, manager, outsider


def test_a_rep_sees_only_the_quotes_of_deals_they_may_see(trio):
    owner, teammate, manager, outsider = trio
    mine = make_quote(owner=owner)
    theirs = make_quote(owner=outsider)
    assert list(quotes_visible_to(owner)) == [mine]
    assert list(quotes_visible_to(outsider)) == [theirs]
    assert list(quotes_visible_to(teammate)) == []
    assert set(quotes_visible_to(manager)) == {mine}


def test_quotes_follow_their_deal_when_it_changes_hands(trio):
    owner, teammate, manager, outsider = trio
    deal = make_deal(owner=owner)
    quote = make_quote(deal=deal)
    update_deal(actor=manager, deal=deal, owner=teammate)
    assert list(quotes_visible_to(teammate)) == [quote]
    assert list(quotes_visible_to(owner)) == []


def test_a_rep_gets_404_for_a_quote_they_may_not_see(trio, client):
    owner, teammate, manager, outsider = trio
    quote = make_quote(owner=owner)
    client.force_login(outsider)
    assert client.get(reverse("sales:quote_detail", args=[quote.pk])).status_code == 404
    assert client.get(reverse("sales:quote_print", args=[quote.pk])).status_code == 404


def test_a_rep_cannot_approve_and_a_manager_can(trio, client):
    owner, teammate, manager, outsider = trio
    quote = make_quote(owner=owner, lines=[(priced_product("100"), 1, 50)])
    client.force_login(owner)
    response = client.post(reverse("sales:quote_approve", args=[quote.pk]))
    assert response.status_code == 403
    assert Quote.objects.get(pk=quote.pk).approval == QuoteApproval.NEEDED

    client.force_login(manager)
    client.post(reverse("sales:quote_approve", args=[quote.pk]), {"decision": "approve"})
    assert Quote.objects.get(pk=quote.pk).approval == QuoteApproval.APPROVED


def test_the_approve_scope_of_a_manager_is_their_team(trio):
    owner, teammate, manager, outsider = trio
    quote = make_quote(owner=outsider)
    with pytest.raises(Http404):
        get_quote_for(manager, quote.pk, "approve")


def test_products_are_read_by_everyone_and_changed_by_managers(client):
    rep = make_user(role="sales_rep")
    client.force_login(rep)
    assert client.get(reverse("sales:product_list")).status_code == 200
    response = client.post(reverse("sales:product_list"), {"sku": "X", "name": "X"})
    assert response.status_code == 403
    client.force_login(make_user(role="sales_manager"))
    data = {"sku": "X", "name": "X", "unit": "pcs", "cost": "1", "warranty_months": "0"}
    assert client.post(reverse("sales:product_list"), data).status_code == 302
