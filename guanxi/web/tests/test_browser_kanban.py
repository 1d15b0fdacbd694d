"""The deal board in Chromium: drag a card to another stage (HTML5 drag and drop posted
with htmx), drop one on Lost and give the reason, and use the no-drag fallback."""

import pytest

from guanxi.sales.models import Deal, DealStageChange
from guanxi.testing.browser import screenshot
from guanxi.testing.deals import make_deal, stage
from guanxi.testing.users import make_team, make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def column(page, code):
    return page.get_by_test_id(f"column-{stage(code).pk}")


def test_a_rep_drags_deals_across_the_board(page, live_server):
    rep = make_user(role="sales_rep", full_name="李伟")
    make_team(members=[rep])
    first = make_deal(owner=rep, name="华信 ERP", amount=120000)
    second = make_deal(owner=rep, name="明达 MES", amount=80000)
    third = make_deal(owner=rep, name="远光 CRM", amount=50000)
    log_in(page, live_server, rep.email)
    page.goto(f"{live_server.url}/deals/board/")
    assert column(page, "first_contact").get_by_test_id("deal-card").count() == 3

    # drag the first card onto Proposal: the stage changes in the database and on the page
    page.drag_and_drop(f"#deal-card-{first.pk}", f"[data-testid=column-{stage('proposal').pk}]")
    proposal = column(page, "proposal")
    proposal.locator(f"#deal-card-{first.pk}").wait_for()
    first.refresh_from_db()
    assert first.stage.code == "proposal"
    assert DealStageChange.objects.filter(deal=first).count() == 2
    assert proposal.get_by_test_id("column-totals").inner_text() == "1 · CNY 120,000.00"
    assert column(page, "first_contact").get_by_test_id("deal-card").count() == 2

    # drop the second on Lost: the page asks why before moving it
    page.drag_and_drop(f"#deal-card-{second.pk}", f"[data-testid=column-{stage('lost').pk}]")
    page.locator("#lost-form").wait_for(state="visible")
    page.locator("#lost-reason").select_option("competitor")
    page.locator("#lost-note").fill("选了 SAP")
    page.locator("#lost-form").get_by_role("button", name="Mark as lost").click()
    page.locator(f"#deal-card-{second.pk}").wait_for(state="detached")
    second.refresh_from_db()
    assert (second.stage.code, second.lost_reason, second.lost_note) == (
        "lost",
        "competitor",
        "选了 SAP",
    )
    assert column(page, "lost").get_by_test_id("column-totals").inner_text() == "1 · CNY 80,000.00"

    # the keyboard fallback: choose the stage on the card and press Move
    card = page.locator(f"#deal-card-{third.pk}")
    card.get_by_label("Stage of 远光 CRM").select_option(str(stage("negotiation").pk))
    card.get_by_role("button", name="Move").click()
    column(page, "negotiation").locator(f"#deal-card-{third.pk}").wait_for()
    assert Deal.objects.get(pk=third.pk).stage.code == "negotiation"
    assert screenshot(page, "deal-board").stat().st_size > 10_000
