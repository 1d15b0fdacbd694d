"""Finding duplicate contacts: the scan, the create-time look-up, the pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Contact
from guanxi.integrations.dedupe import find_duplicates_for, pairs_visible_to, scan_contacts
from guanxi.integrations.models_dedupe import DuplicatePair, Merge, PairStatus
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return make_user(role="administrator")


def _zhang_wei_twice(owner):
    account = make_account(owner=owner, name="华为技术有限公司")
    chinese = make_contact(
        owner=owner, family_name="张", given_name="伟", accounts=[{"account": account}]
    )
    latin = make_contact(
        owner=owner,
        family_name="Zhang",
        given_name="Wei",
        phones=[{"value": "+86 138 1234 4229"}],
        accounts=[{"account": make_account(owner=owner, name="Huawei Technologies Co., Ltd.")}],
    )
    stranger = make_contact(owner=owner, family_name="Smith", given_name="Mary")
    return chinese, latin, stranger


def test_scan_stores_the_pair_with_its_reasons_and_is_idempotent(admin):
    chinese, latin, _stranger = _zhang_wei_twice(admin)

    assert scan_contacts() == 1
    assert scan_contacts() == 1

    pair = DuplicatePair.objects.get()
    assert (pair.first_id, pair.second_id) == (chinese.pk, latin.pk)
    assert pair.reasons == ["name 张伟 = Wei Zhang"]
    assert pair.status == PairStatus.OPEN


def test_a_dismissed_pair_stays_dismissed_after_the_next_scan(admin):
    _zhang_wei_twice(admin)
    scan_contacts()
    DuplicatePair.objects.update(status=PairStatus.DISMISSED)

    assert scan_contacts() == 0
    assert DuplicatePair.objects.get().status == PairStatus.DISMISSED


def test_create_time_lookup_finds_the_contact_by_phone_in_another_format(admin):
    _chinese, latin, _stranger = _zhang_wei_twice(admin)

    found = find_duplicates_for(admin, {"name": "W. Zhang", "phone": "138-1234-4229"})

    assert [hit.contact for hit in found] == [latin]
    assert "same phone ending 4229" in found[0].reasons


def test_create_time_lookup_finds_by_email_in_any_case(admin):
    _zhang_wei_twice(admin)
    li = make_contact(
        owner=admin, family_name="李", given_name="娜", emails=[{"value": "li.na@Example.cn"}]
    )

    found = find_duplicates_for(
        admin, {"name": "Someone Else", "email": "LI.NA@EXAMPLE.CN", "phone": "+1 650 555 0100"}
    )

    assert [hit.contact for hit in found] == [li]


def test_create_time_lookup_finds_the_chinese_spelling_of_a_latin_name(admin):
    chinese, latin, _stranger = _zhang_wei_twice(admin)

    found = find_duplicates_for(admin, {"family_name": "ZHANG", "given_name": "Wei"})

    assert {hit.contact for hit in found} == {chinese, latin}


def test_lookup_and_pairs_only_show_contacts_the_user_can_see(admin):
    rep = make_user(role="sales_rep")
    _zhang_wei_twice(admin)
    scan_contacts()

    assert find_duplicates_for(rep, {"name": "张伟"}) == []
    assert list(pairs_visible_to(rep)) == []


def test_duplicates_page_lists_pairs_and_merge_page_shows_the_fields(client, admin):
    chinese, latin, _stranger = _zhang_wei_twice(admin)
    scan_contacts()
    client.force_login(admin)

    page = client.get(reverse("integrations:duplicate_list")).content.decode()
    merge_page = client.get(
        reverse("integrations:merge_form", args=[chinese.pk, latin.pk])
    ).content.decode()

    assert "name 张伟 = Wei Zhang" in page
    assert 'name="choice_name"' in merge_page
    assert "phones: 1" in merge_page


def test_merge_page_merges_and_the_result_page_undoes(client, admin):
    chinese, latin, _stranger = _zhang_wei_twice(admin)
    client.force_login(admin)

    response = client.post(
        reverse("integrations:merge_form", args=[chinese.pk, latin.pk]), {"choice_name": "other"}
    )
    merge = Merge.objects.get()
    assert response["Location"] == reverse("integrations:merge_result", args=[merge.pk])
    assert Contact.objects.get(pk=chinese.pk).full_name == "Wei Zhang"
    assert not Contact.objects.filter(pk=latin.pk).exists()

    client.post(reverse("integrations:merge_undo", args=[merge.pk]))

    assert Contact.objects.get(pk=chinese.pk).full_name == "张伟"
    assert Contact.objects.get(pk=latin.pk).phones.count() == 1


def _api(client, user):
    token = create_token(actor=user, name="t")[1]
    return {"Authorization": f"Bearer {token}"}


def test_api_merge_and_undo(client, admin):
    chinese, latin, _stranger = _zhang_wei_twice(admin)
    headers = _api(client, admin)

    found = client.get(
        "/api/v1/contacts/duplicates-of", {"phone": "13812344229"}, headers=headers
    ).json()
    merged = client.post(
        "/api/v1/contacts/merge",
        {"survivor_id": chinese.pk, "other_id": latin.pk, "choices": {"name": "survivor"}},
        content_type="application/json",
        headers=headers,
    )
    undone = client.post(f"/api/v1/merges/{merged.json()['id']}/undo", headers=headers)

    assert [hit["contact_id"] for hit in found] == [latin.pk]
    assert merged.status_code == 201
    assert merged.json()["undone"] is False
    assert undone.json()["undone"] is True
    assert Contact.objects.filter(pk__in=[chinese.pk, latin.pk]).count() == 2


def test_api_scan_and_dismiss(client, admin, django_capture_on_commit_callbacks):
    _zhang_wei_twice(admin)
    headers = _api(client, admin)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/duplicates/scan", headers=headers).json()
    scanned = client.get(f"/api/v1/duplicates/scans/{started['id']}", headers=headers).json()
    pairs = client.get("/api/v1/duplicates", headers=headers).json()
    dismissed = client.post(f"/api/v1/duplicates/{pairs[0]['id']}/dismiss", headers=headers)

    assert (scanned["open_pairs"], scanned["open_account_pairs"]) == (1, 0)
    assert dismissed.json()["status"] == "dismissed"
    assert client.get("/api/v1/duplicates", headers=headers).json() == []


def test_scan_does_not_pair_strangers_of_a_common_name_on_name_and_city_alone(admin):
    def zhang_wei(street: str):
        address = {"province": "11", "city": "北京", "street": street}
        return make_contact(owner=admin, family_name="张", given_name="伟", addresses=[address])

    first, second = zhang_wei("人民路1号"), zhang_wei("中山路8号")
    # Alone in the base, the two are suggested on name and city ...
    assert scan_contacts() == 1
    # ... with a crowd of the same name elsewhere, name and city are not enough,
    for _ in range(20):
        make_contact(owner=admin, family_name="张", given_name="伟")
    DuplicatePair.objects.all().delete()
    assert scan_contacts() == 0
    # ... but a third one at the first's door is still paired with it.
    third = zhang_wei("人民路1号")
    assert scan_contacts() == 1
    pair = DuplicatePair.objects.get()
    assert {pair.first_id, pair.second_id} == {first.pk, third.pk}
    assert second.pk not in (pair.first_id, pair.second_id)


def test_the_nightly_scan_rescores_the_bearers_of_a_name_that_became_common(admin):
    from django.utils import timezone

    def zhang_wei(street: str = ""):
        address = [{"province": "11", "city": "北京", "street": street}] if street else []
        return make_contact(owner=admin, family_name="张", given_name="伟", addresses=address)

    zhang_wei("人民路1号"), zhang_wei("中山路8号")
    assert scan_contacts() == 1
    since = timezone.now()
    for _ in range(20):  # new namesakes; the first two did not change
        zhang_wei()

    assert scan_contacts(changed_since=since) == 0


def test_someone_who_sees_every_contact_sees_no_pair_of_a_contact_in_the_trash(admin):
    _zhang_wei_twice(admin)
    scan_contacts()
    pair = DuplicatePair.objects.get()
    before = list(pairs_visible_to(admin))

    Contact.all_objects.filter(pk=pair.second_id).update(deleted_at=timezone.now())

    assert before == [pair]
    assert list(pairs_visible_to(admin)) == []


def _many_pairs(owner, count: int) -> list[DuplicatePair]:
    made = []
    for n in range(count):
        first = make_contact(owner=owner, family_name="王", given_name=f"芳{n}")
        second = make_contact(owner=owner, family_name="Wang", given_name=f"Fang{n}")
        made.append(
            DuplicatePair.objects.create(
                first=first, second=second, score=round(0.99 - n / 1000, 4), reasons=[]
            )
        )
    return made


def test_the_duplicates_page_and_the_api_page_through_the_pairs_best_first(client, admin):
    pairs = _many_pairs(admin, 53)
    client.force_login(admin)
    headers = _api(client, admin)

    first_page = client.get(reverse("integrations:duplicate_list")).content.decode()
    second_page = client.get(reverse("integrations:duplicate_list") + "?page=2").content.decode()
    api = client.get("/api/v1/duplicates?offset=50&limit=10", headers=headers).json()
    too_many = client.get("/api/v1/duplicates?limit=501", headers=headers)

    assert first_page.count('data-testid="duplicate-row"') == 50
    assert "53 possible duplicate contacts, best first." in first_page
    assert 'rel="next"' in first_page
    assert second_page.count('data-testid="duplicate-row"') == 3
    assert [row["id"] for row in api] == [pair.pk for pair in pairs[50:]]
    assert too_many.status_code == 422


def test_dismissing_a_pair_on_the_second_page_returns_to_that_page(client, admin):
    pairs = _many_pairs(admin, 53)
    client.force_login(admin)
    list_url = reverse("integrations:duplicate_list")

    second_page = client.get(list_url + "?page=2").content.decode()
    on_page_two = client.post(
        reverse("integrations:duplicate_dismiss", args=[pairs[51].pk]), {"page": "2"}
    )
    forged = [
        client.post(reverse("integrations:duplicate_dismiss", args=[pair.pk]), {"page": page})
        for pair, page in zip(pairs[:3], ["//evil.example", "²", "9" * 5000], strict=True)
    ]

    assert 'name="page" value="2"' in second_page
    assert on_page_two.status_code == 302 and on_page_two["Location"] == list_url + "?page=2"
    assert [answer["Location"] for answer in forged] == [list_url] * 3
