"""The at-risk page (sorted by value at stake, filters, CSV export), the account card's
risk, reasons and suggestions, the associations and product pages, the API, and who
sees what (a rep their own customers', a manager their team's, an analyst everyone's)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from guanxi.analytics.services.churn import refresh_churn
from guanxi.analytics.services.cross_sell import refresh_associations
from guanxi.analytics.tests.factories import basket, stored_score
from guanxi.testing.customers import make_account
from guanxi.testing.quotes import make_product
from guanxi.testing.users import make_user, team_trio

AS_OF = date(2026, 6, 30)
DAY = AS_OF - timedelta(days=20)
pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(settings):
    """Each rep of a team trio owns a customer; owner's is high risk with the most at
    stake, teammate's medium, outsider's low."""
    settings.ANALYTICS_CHURN = {"medium_threshold": 0.3, "alert_threshold": 0.45}
    reps = team_trio("sales_rep")
    accounts = {}
    for name, p_alive, clv in (
        ("owner", 0.05, 9000),
        ("teammate", 0.3, 1000),
        ("outsider", 0.95, 500),
    ):
        account = make_account(name=f"{name} Ltd", owner=getattr(reps, name), team=None)
        stored_score(account, AS_OF, p_alive=p_alive, clv=clv)
        accounts[name] = account
    type(accounts["owner"]).objects.filter(pk=accounts["owner"].pk).update(team=reps.team)
    refresh_churn(as_of=AS_OF)
    return reps, accounts


def _names(response):
    return [item["account"]["name"] for item in response.json()["items"]]


def test_the_at_risk_page_sorts_by_value_at_stake_and_filters(client, risks):
    reps, _ = risks
    client.force_login(make_user(role="analyst"))
    url = reverse("analytics:at_risk_list")

    html = client.get(url).content.decode()
    assert html.index("owner Ltd") < html.index("teammate Ltd")
    assert "outsider Ltd" not in html  # low risk: not at risk
    assert "P(alive) 0.05 → +0.47" in html

    assert "outsider Ltd" in client.get(url, {"level": "all"}).content.decode()
    assert "owner Ltd" not in client.get(url, {"level": "medium"}).content.decode()
    by_owner = client.get(url, {"owner": reps.teammate.pk}).content.decode()
    assert "teammate Ltd" in by_owner and "owner Ltd" not in by_owner
    by_team = client.get(url, {"team": reps.team.pk}).content.decode()
    assert "owner Ltd" in by_team and "teammate Ltd" not in by_team
    assert "owner Ltd" not in client.get(url, {"owner": "nobody"}).content.decode()


def test_the_export_is_a_csv_of_the_filtered_list(client, risks):
    client.force_login(make_user(role="analyst"))

    response = client.get(reverse("analytics:at_risk_export"), {"level": "all"})

    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Account", "Owner", "Team", "Level", "Churn risk"]
    assert [row[0] for row in rows[1:]] == ["owner Ltd", "teammate Ltd", "outsider Ltd"]
    assert rows[1][3] == "High" and "P(alive) 0.05" in rows[1][6]


def test_the_export_quotes_cells_a_spreadsheet_would_run(client, risks):
    _, accounts = risks
    type(accounts["owner"]).objects.filter(pk=accounts["owner"].pk).update(name="=HYPERLINK(1)")
    client.force_login(make_user(role="analyst"))

    response = client.get(reverse("analytics:at_risk_export"), {"level": "high"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][0] == "'=HYPERLINK(1)"


def test_a_rep_sees_only_their_own_customers_risks(client, api_as, risks):
    reps, accounts = risks
    call = api_as(reps.teammate)
    assert _names(call("GET", "/api/v1/analytics/at-risk")) == ["teammate Ltd"]
    assert call("GET", f"/api/v1/accounts/{accounts['owner'].pk}/churn-risk").status_code == 404
    client.force_login(reps.teammate)
    html = client.get(reverse("analytics:at_risk_list")).content.decode()
    assert "teammate Ltd" in html and "owner Ltd" not in html
    export = client.get(reverse("analytics:at_risk_export"))
    assert "owner Ltd" not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_manager_sees_the_team_and_an_analyst_everyone(api_as, risks):
    managers = team_trio("sales_manager")
    assert _names(api_as(managers.outsider)("GET", "/api/v1/analytics/at-risk")) == []
    everyone = api_as(make_user(role="analyst"))("GET", "/api/v1/analytics/at-risk", level="low")
    assert _names(everyone) == ["outsider Ltd"]


def test_service_agents_see_risks_but_may_not_export(client, risks):
    client.force_login(make_user(role="service_agent"))
    assert client.get(reverse("analytics:at_risk_list")).status_code == 200
    assert client.get(reverse("analytics:at_risk_export")).status_code == 403


def test_the_api_gives_the_risk_with_its_reasons(api_as, risks):
    reps, accounts = risks

    body = api_as(reps.owner)("GET", f"/api/v1/accounts/{accounts['owner'].pk}/churn-risk").json()

    assert body["level"] == "high" and body["account"]["name"] == "owner Ltd"
    assert body["factors"][0]["factor"] == "p_alive"
    assert body["factors"][0]["reason"] == "P(alive) 0.05 → +0.47"
    assert body["factors"][0]["inputs"] == {"p_alive": 0.05}
    assert body["crossings"] == [] and body["team"]["id"] == reps.team.pk


def test_the_at_risk_api_pages_by_value_at_stake(api_as, risks):
    call = api_as(make_user(role="analyst"))

    first = call("GET", "/api/v1/analytics/at-risk", level="", limit=1)
    second = call("GET", "/api/v1/analytics/at-risk", limit=1, cursor=first.json()["next_cursor"])

    assert _names(first) == ["owner Ltd"] and _names(second) == ["teammate Ltd"]


def test_bad_api_input_names_the_field(api_as, risks):
    call = api_as(make_user(role="analyst"))
    errors = call("GET", "/api/v1/analytics/at-risk", level="doomed").json()["errors"]
    assert errors[0]["field"] == "query.level"
    errors = call("GET", "/api/v1/analytics/associations", sort="colour").json()["errors"]
    assert errors[0]["field"] == "query.sort"
    account = make_account()
    response = call("GET", f"/api/v1/accounts/{account.pk}/suggestions", limit=0)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


@pytest.fixture
def bought(settings):
    """A rep's customer bought Alpha; two others bought Alpha and Beta."""
    settings.ANALYTICS_CROSS_SELL = {"min_support": 0, "min_pair_buyers": 1}
    rep = make_user(role="sales_rep")
    alpha, beta = make_product(name="Alpha"), make_product(name="Beta")
    customer = make_account(owner=rep, name="Mine Ltd")
    basket(customer, DAY, [alpha])
    basket(make_account(), DAY, [alpha, beta])
    basket(make_account(), DAY, [alpha, beta])
    stored_score(customer, AS_OF, p_alive=0.2, clv=100)
    refresh_associations(as_of=AS_OF)
    refresh_churn(as_of=AS_OF)
    return rep, customer, alpha, beta


def test_the_account_card_shows_risk_reasons_and_suggestions(client, bought):
    rep, customer, _, _ = bought
    client.force_login(rep)

    html = client.get(reverse("customers:account_detail", args=[customer.pk])).content.decode()

    assert 'data-testid="churn-risk"' in html
    assert "P(alive) 0.20 → +0.40" in html
    assert "Customers who bought this also bought" in html
    assert "bought Alpha; 67% of buyers of Alpha also bought Beta, lift 1.0" in html


def test_the_account_suggestions_api(api_as, bought):
    rep, customer, _, beta = bought

    body = api_as(rep)("GET", f"/api/v1/accounts/{customer.pk}/suggestions").json()

    assert [s["product"]["id"] for s in body["cross_sell"]] == [beta.pk]
    assert body["cross_sell"][0]["because"]["name"] == "Alpha"
    assert body["cross_sell"][0]["confidence"] == pytest.approx(2 / 3)
    other = make_user(role="sales_rep")
    assert api_as(other)("GET", f"/api/v1/accounts/{customer.pk}/suggestions").status_code == 404


def test_the_product_page_and_api_list_what_buyers_also_bought(client, api_as, bought):
    rep, _, alpha, beta = bought
    client.force_login(rep)

    html = client.get(reverse("analytics:product_suggestions", args=[alpha.pk])).content.decode()

    assert "67% of buyers of Alpha also bought Beta (2 of 3), lift 1.0" in html
    body = api_as(rep)("GET", f"/api/v1/products/{alpha.pk}/suggestions").json()
    assert [s["product"]["name"] for s in body["cross_sell"]] == ["Beta"]
    assert client.get(reverse("analytics:product_suggestions", args=[999999])).status_code == 404


def test_the_associations_page_and_api(client, api_as, bought):
    rep, _, alpha, _ = bought
    client.force_login(rep)

    html = client.get(reverse("analytics:association_list")).content.decode()
    assert html.count('data-testid="association-row"') == 2
    assert (
        "Alpha" in client.get(reverse("analytics:association_list"), {"q": "alp"}).content.decode()
    )
    assert (
        'data-testid="associations-link"'
        in client.get(reverse("sales:product_list")).content.decode()
    )

    items = api_as(rep)("GET", "/api/v1/analytics/associations", product_id=alpha.pk).json()[
        "items"
    ]
    assert {(i["antecedent"]["name"], i["consequent"]["name"]) for i in items} == {
        ("Alpha", "Beta"),
        ("Beta", "Alpha"),
    }
    assert items[0]["lift"] == pytest.approx(1.0)


def test_the_navigation_links_the_at_risk_page(client, risks):
    reps, _ = risks
    client.force_login(reps.owner)
    html = client.get(reverse("analytics:score_list")).content.decode()
    assert reverse("analytics:at_risk_list") in html
