"""Attachments: checked on upload, served only to who may see the record, trashed on delete."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guanxi.core.choices import AuditEvent
from guanxi.core.models import Attachment, AuditEntry, Role, TrashItem
from guanxi.core.selectors import attachments_of, get_attachment_for, may_attach, trash_visible_to
from guanxi.core.services.attachments import add_attachment, delete_attachment
from guanxi.core.services.teams import delete_team
from guanxi.core.services.tokens import create_token
from guanxi.customers.models import Account
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
UTF8_CSV = "名称,城市\n阿里巴巴,杭州\n腾讯,深圳\n".encode()
GBK_CSV = "名称,城市\n阿里巴巴,杭州\n腾讯,深圳\n".encode("gbk")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 120
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

REFUSED_KIND = (
    "This kind of file cannot be attached. Attach documents (PDF, Office, text, CSV), images, "
    "audio, video or ZIP archives."
)
EMPTY = "The file is empty."


def bearer(user):
    return {"Authorization": f"Bearer {create_token(actor=user, name='t')[1]}"}


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def attach(parent, actor, name="notes.txt", content=b"call back on Monday\n"):
    return add_attachment(actor=actor, parent=parent, upload=upload(name, content))


def stored_files():
    root = Path(django_settings.MEDIA_ROOT) / "attachments"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def body_of(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def team(admin):
    return make_team(name="Sales North", members=[admin])


@pytest.fixture
def nobody(db):
    """An active user with no role at all: sees no team."""
    return make_user()


# --- The service ----------------------------------------------------------------------


def test_add_attachment_stores_the_file_with_its_checks_and_original_name(admin, team):
    attachment = attach(team, admin, "合同 v2.pdf", PDF)
    attachment.refresh_from_db()
    assert (attachment.object_type, attachment.object_id) == ("core.team", str(team.pk))
    assert attachment.name == "合同 v2.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.uploaded_by == admin
    assert Path(attachment.file.path).read_bytes() == PDF
    # stored under a random name, never the uploaded one
    assert attachment.file.name.startswith("attachments/")
    assert "合同" not in attachment.file.name and ".pdf" not in attachment.file.name


def test_add_attachment_keeps_only_the_last_part_of_a_windows_path(admin, team):
    attachment = attach(team, admin, "C:\\Users\\li\\报价.csv", UTF8_CSV)
    assert attachment.name == "报价.csv"


def test_add_attachment_audits_the_parent(admin, team):
    attach(team, admin, "minutes.txt")
    entry = AuditEntry.objects.get(event=AuditEvent.CHANGE, object_type="core.team")
    assert entry.object_id == str(team.pk)
    assert entry.actor == admin
    assert entry.changes == {"attachments": [None, "minutes.txt"]}


def test_delete_attachment_moves_it_to_the_trash_and_audits_the_parent(admin, team):
    attachment = attach(team, admin, "minutes.txt")
    path = Path(attachment.file.path)
    item = delete_attachment(actor=admin, attachment=attachment, parent=team)
    assert list(attachments_of(team)) == []
    assert (item.object_type, item.object_id, item.owner) == (
        "core.attachment",
        str(attachment.pk),
        admin,
    )
    assert path.read_bytes() == b"call back on Monday\n"  # kept until purged
    changes = list(
        AuditEntry.objects.filter(object_type="core.team", event=AuditEvent.CHANGE)
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert changes == [
        {"attachments": [None, "minutes.txt"]},
        {"attachments": ["minutes.txt", None]},
    ]
    deletion = AuditEntry.objects.get(event=AuditEvent.DELETE, object_type="core.attachment")
    assert deletion.changes == {"deleted_at": [None, item.deleted_at.isoformat()]}


def test_trashed_attachment_is_in_the_uploaders_trash(admin, team):
    uploader = make_user(role="sales_rep")
    attachment = attach(team, uploader)
    item = delete_attachment(actor=admin, attachment=attachment, parent=team)
    assert list(trash_visible_to(uploader)) == [item]
    assert list(trash_visible_to(make_user(role="sales_rep"))) == []


def test_oversized_file_is_refused_and_nothing_is_stored(admin, team, settings):
    settings.UPLOAD_MAX_BYTES = 10
    files_before = stored_files()
    with pytest.raises(ValidationError) as exc:
        attach(team, admin, "notes.txt", b"eleven byte")
    assert exc.value.message_dict == {
        "file": ["The file is too large (11\xa0bytes); the limit is 10\xa0bytes."]
    }
    assert Attachment.all_objects.count() == 0
    assert stored_files() == files_before
    assert not AuditEntry.objects.filter(object_type="core.team").exists()


def test_file_of_exactly_the_limit_is_accepted(admin, team, settings):
    settings.UPLOAD_MAX_BYTES = 10
    assert attach(team, admin, "notes.txt", b"ten bytes!").size == 10


def test_long_utf8_chinese_csv_is_accepted(admin, team):
    content = ("客户名称,城市,备注\n" * 3000).encode()
    assert attach(team, admin, "customers.csv", content).content_type == "text/csv"


# --- Upload through the API -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("logo.png", PNG, "image/png"),
        ("contract.pdf", PDF, "application/pdf"),
        ("客户.csv", UTF8_CSV, "text/csv"),
        ("customers-gbk.csv", GBK_CSV, "text/csv"),
    ],
    ids=["png", "pdf", "utf8-csv", "gbk-csv"],
)
def test_api_upload_accepts_the_file_with_its_real_type(
    client, admin, team, name, content, content_type
):
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.team", "object_id": str(team.pk), "file": upload(name, content)},
        headers=bearer(admin),
    )
    assert response.status_code == 201
    body = response.json()
    attachment = Attachment.objects.get()
    assert body.pop("created_at") is not None
    assert body == {
        "id": attachment.pk,
        "object_type": "core.team",
        "object_id": str(team.pk),
        "name": name,
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "uploaded_by_id": admin.pk,
    }
    assert Path(attachment.file.path).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.txt", HTML, REFUSED_KIND),
        ("logo.svg", SVG, REFUSED_KIND),
        ("tool", ELF, REFUSED_KIND),
        ("setup.exe", EXE, REFUSED_KIND),
        ("invoice.pdf", EXE, REFUSED_KIND),
        ("empty.txt", b"", EMPTY),
    ],
    ids=["html-named-txt", "svg", "elf", "exe", "exe-named-pdf", "empty"],
)
def test_api_upload_refuses_the_file_and_stores_nothing(
    client, admin, team, name, content, message
):
    files_before = stored_files()
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.team", "object_id": str(team.pk), "file": upload(name, content)},
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [{"field": "body.file", "message": message, "code": "invalid"}]
    }
    assert Attachment.all_objects.count() == 0
    assert stored_files() == files_before
    assert not AuditEntry.objects.filter(object_type="core.team").exists()


def test_api_upload_refuses_an_oversized_file(client, admin, team, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    files_before = stored_files()
    response = client.post(
        "/api/v1/attachments",
        {
            "object_type": "core.team",
            "object_id": str(team.pk),
            "file": upload("a.txt", b"x" * 1025),
        },
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "body.file",
            "message": "The file is too large (1.0\xa0KB); the limit is 1.0\xa0KB.",
            "code": "invalid",
        }
    ]
    assert Attachment.all_objects.count() == 0
    assert stored_files() == files_before


def test_api_upload_without_change_right_is_403_and_stores_nothing(client, team):
    rep = make_user(role="sales_rep")  # may view teams, not change them
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.team", "object_id": str(team.pk), "file": upload("a.txt", b"hi")},
        headers=bearer(rep),
    )
    assert response.status_code == 403
    assert Attachment.all_objects.count() == 0


def test_api_upload_to_an_invisible_record_is_404(client, team, nobody):
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.team", "object_id": str(team.pk), "file": upload("a.txt", b"hi")},
        headers=bearer(nobody),
    )
    assert response.status_code == 404
    assert Attachment.all_objects.count() == 0


def test_api_upload_to_a_type_that_takes_no_attachments_is_403(client, admin):
    role = Role.objects.get(code="sales_rep")
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.role", "object_id": str(role.pk), "file": upload("a.txt", b"hi")},
        headers=bearer(admin),
    )
    assert response.status_code == 403
    assert Attachment.all_objects.count() == 0


def test_api_upload_to_an_unknown_type_is_404(client, admin):
    response = client.post(
        "/api/v1/attachments",
        {"object_type": "core.nothing", "object_id": "1", "file": upload("a.txt", b"hi")},
        headers=bearer(admin),
    )
    assert response.status_code == 404


# --- Reading through the API ----------------------------------------------------------


def test_api_lists_the_live_attachments_of_a_record(client, admin, team):
    first = attach(team, admin, "a.txt")
    second = attach(team, admin, "b.txt")
    gone = attach(team, admin, "gone.txt")
    delete_attachment(actor=admin, attachment=gone, parent=team)
    attach(make_team(), admin, "elsewhere.txt")
    response = client.get(
        f"/api/v1/attachments?object_type=core.team&object_id={team.pk}", headers=bearer(admin)
    )
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["items"]] == [second.pk, first.pk]
    assert response.json()["next_cursor"] is None


def test_api_get_and_download_an_attachment(client, admin, team):
    attachment = attach(team, admin, "合同.pdf", PDF)
    response = client.get(f"/api/v1/attachments/{attachment.pk}", headers=bearer(admin))
    assert response.status_code == 200
    assert response.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    response = client.get(f"/api/v1/attachments/{attachment.pk}/download", headers=bearer(admin))
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%90%88%E5%90%8C.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_delete_moves_the_attachment_to_the_trash(client, admin, team):
    attachment = attach(team, admin, "a.txt")
    response = client.delete(f"/api/v1/attachments/{attachment.pk}", headers=bearer(admin))
    assert response.status_code == 204
    assert Attachment.all_objects.get(pk=attachment.pk).is_trashed is True
    assert TrashItem.objects.get().object_id == str(attachment.pk)
    assert (
        client.get(f"/api/v1/attachments/{attachment.pk}", headers=bearer(admin)).status_code == 404
    )
    download = client.get(f"/api/v1/attachments/{attachment.pk}/download", headers=bearer(admin))
    assert download.status_code == 404


def test_api_outsider_gets_404_everywhere_and_nothing_changes(client, admin, team, nobody):
    attachment = attach(team, admin, "secret.txt")
    headers = bearer(nobody)
    responses = [
        client.get(
            f"/api/v1/attachments?object_type=core.team&object_id={team.pk}", headers=headers
        ),
        client.get(f"/api/v1/attachments/{attachment.pk}", headers=headers),
        client.get(f"/api/v1/attachments/{attachment.pk}/download", headers=headers),
        client.delete(f"/api/v1/attachments/{attachment.pk}", headers=headers),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert responses[1].json()["errors"][0]["code"] == "not_found"
    assert Attachment.objects.get(pk=attachment.pk).is_trashed is False
    assert TrashItem.objects.count() == 0


def test_api_viewer_without_change_right_may_not_delete_anothers_file(client, admin, team):
    attachment = attach(team, admin)
    rep = make_user(role="sales_rep")
    assert (
        client.get(f"/api/v1/attachments/{attachment.pk}", headers=bearer(rep)).status_code == 200
    )
    response = client.delete(f"/api/v1/attachments/{attachment.pk}", headers=bearer(rep))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_api_uploader_may_delete_their_own_file_without_change_right(client, team):
    rep = make_user(role="sales_rep")
    attachment = attach(team, rep)  # the service itself does not check rights
    response = client.delete(f"/api/v1/attachments/{attachment.pk}", headers=bearer(rep))
    assert response.status_code == 204
    assert Attachment.all_objects.get(pk=attachment.pk).deleted_by == rep


def test_attachment_of_another_reps_account_is_not_found(client, admin):
    # Given an account owned by one rep (reps see only their own accounts)
    owner = make_user(role="sales_rep")
    other = make_user(role="sales_rep")
    account = Account.objects.create(name="Acme", owner=owner)
    attachment = attach(account, owner, "price.pdf", PDF)
    # Then the owner may read it and the other rep gets 404 everywhere
    assert get_attachment_for(owner, attachment.pk) == (attachment, account)
    assert may_attach(owner, account) is True
    assert may_attach(other, account) is False
    client.force_login(other)
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    api = client.get(f"/api/v1/attachments/{attachment.pk}/download", headers=bearer(other))
    assert api.status_code == 404
    listing = client.get(
        f"/api/v1/attachments?object_type=customers.account&object_id={account.pk}",
        headers=bearer(other),
    )
    assert listing.status_code == 404
    assert client.post(reverse("core:attachment_delete", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_attachment_of_a_trashed_team_is_not_found(client, admin, team):
    attachment = attach(team, admin)
    delete_team(actor=admin, team=team)
    client.force_login(admin)
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404


# --- Pages ----------------------------------------------------------------------------


def test_team_page_shows_the_attachment_panel(client, admin, team):
    attachment = attach(team, admin, "minutes.txt")
    client.force_login(admin)
    page = client.get(reverse("core:team_detail", args=[team.pk])).content.decode()
    assert 'id="attachments"' in page
    assert reverse("core:attachment_download", args=[attachment.pk]) in page
    assert "minutes.txt" in page
    assert reverse("core:attachment_upload", args=["core.team", team.pk]) in page


def test_team_page_offers_no_upload_to_a_viewer(client, admin, team):
    client.force_login(make_user(role="sales_rep"))
    page = client.get(reverse("core:team_detail", args=[team.pk])).content.decode()
    assert "No files attached." in page
    assert reverse("core:attachment_upload", args=["core.team", team.pk]) not in page


def test_upload_on_the_page_returns_to_next_with_a_message(client, admin, team):
    client.force_login(admin)
    team_url = reverse("core:team_detail", args=[team.pk]) + "?tab=files"
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload("logo.png", PNG), "next": team_url},
        follow=True,
    )
    assert response.redirect_chain == [(team_url, 302)]
    assert "The file was attached." in messages_of(response)
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == ("logo.png", "image/png")
    assert reverse("core:attachment_download", args=[attachment.pk]) in response.content.decode()


def test_upload_on_the_page_ignores_a_foreign_next_url(client, admin, team):
    client.force_login(admin)
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload("a.txt", b"hi"), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("core:team_detail", args=[team.pk])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.txt", HTML, REFUSED_KIND),
        ("logo.svg", SVG, REFUSED_KIND),
        ("tool", ELF, REFUSED_KIND),
        ("setup.exe", EXE, REFUSED_KIND),
        ("empty.txt", b"", EMPTY),
    ],
    ids=["html-named-txt", "svg", "elf", "exe", "empty"],
)
def test_upload_on_the_page_refuses_the_file_with_a_message(
    client, admin, team, name, content, message
):
    files_before = stored_files()
    client.force_login(admin)
    team_url = reverse("core:team_detail", args=[team.pk])
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload(name, content), "next": team_url},
        follow=True,
    )
    assert response.redirect_chain == [(team_url, 302)]
    assert messages_of(response) == [message]
    assert Attachment.all_objects.count() == 0
    assert stored_files() == files_before


def test_upload_on_the_page_refuses_an_oversized_file(client, admin, team, settings):
    settings.UPLOAD_MAX_BYTES = 10
    client.force_login(admin)
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload("a.txt", b"eleven byte")},
        follow=True,
    )
    assert messages_of(response) == [
        "The file is too large (11\xa0bytes); the limit is 10\xa0bytes."
    ]
    assert Attachment.all_objects.count() == 0


def test_upload_on_the_page_without_a_file_asks_for_one(client, admin, team):
    client.force_login(admin)
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]), {}, follow=True
    )
    assert messages_of(response) == ["Choose a file to attach."]
    assert Attachment.all_objects.count() == 0


def test_upload_on_the_page_without_change_right_is_forbidden(client, team):
    # the sales rep sees the team (so 403, as in the API) but may not change it
    client.force_login(make_user(role="sales_rep"))
    response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload("a.txt", b"hi")},
    )
    assert response.status_code == 403
    assert Attachment.all_objects.count() == 0


def test_upload_on_the_page_to_a_type_that_takes_no_attachments_is_refused(client, admin):
    role = Role.objects.get(code="sales_rep")
    client.force_login(admin)
    response = client.post(
        reverse("core:attachment_upload", args=["core.role", role.pk]),
        {"file": upload("a.txt", b"hi")},
    )
    assert response.status_code == 403
    assert Attachment.all_objects.count() == 0


def test_download_on_the_page_returns_the_exact_bytes_safely(client, admin, team):
    attachment = attach(team, admin, "report.csv", GBK_CSV)
    client.force_login(make_user(role="sales_rep"))  # any viewer of the team
    response = client.get(reverse("core:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert body_of(response) == GBK_CSV
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_outsider_gets_404_on_the_pages_and_nothing_changes(client, admin, team, nobody):
    attachment = attach(team, admin, "secret.txt")
    client.force_login(nobody)
    download = client.get(reverse("core:attachment_download", args=[attachment.pk]))
    delete = client.post(reverse("core:attachment_delete", args=[attachment.pk]))
    upload_response = client.post(
        reverse("core:attachment_upload", args=["core.team", team.pk]),
        {"file": upload("a.txt", b"hi")},
    )
    assert [download.status_code, delete.status_code, upload_response.status_code] == [
        404,
        404,
        404,
    ]
    assert list(Attachment.all_objects.all()) == [attachment]
    assert Attachment.objects.get(pk=attachment.pk).is_trashed is False
    assert TrashItem.objects.count() == 0


def test_delete_on_the_page_then_restore_from_the_trash(client, admin, team):
    # Given a file on the team page
    attachment = attach(team, admin, "minutes.txt")
    team_url = reverse("core:team_detail", args=[team.pk])
    download_url = reverse("core:attachment_download", args=[attachment.pk])
    client.force_login(admin)
    # When it is deleted from the panel
    response = client.post(
        reverse("core:attachment_delete", args=[attachment.pk]), {"next": team_url}, follow=True
    )
    # Then the page no longer lists it and it waits in the trash
    assert response.redirect_chain == [(team_url, 302)]
    assert "The file was moved to the trash." in messages_of(response)
    assert download_url not in response.content.decode()
    assert client.get(download_url).status_code == 404
    item = TrashItem.objects.get()
    assert "minutes.txt" in client.get(reverse("core:trash_list")).content.decode()
    assert AuditEntry.objects.filter(
        object_type="core.team", changes={"attachments": ["minutes.txt", None]}
    ).exists()
    # When it is restored from the trash
    response = client.post(reverse("core:trash_restore", args=[item.pk]), follow=True)
    # Then it is back on the panel, with its bytes
    assert response.redirect_chain == [(reverse("core:trash_list"), 302)]
    assert "“minutes.txt” was restored." in messages_of(response)
    assert download_url in client.get(team_url).content.decode()
    assert body_of(client.get(download_url)) == b"call back on Monday\n"
    assert AuditEntry.objects.get(event=AuditEvent.RESTORE).object_type == "core.attachment"


def test_purging_an_attachment_removes_its_file(client, admin, team):
    attachment = attach(team, admin, "minutes.txt")
    path = Path(attachment.file.path)
    item = delete_attachment(actor=admin, attachment=attachment, parent=team)
    client.force_login(admin)
    response = client.post(reverse("core:trash_purge", args=[item.pk]))
    assert response.status_code == 302
    assert path.exists() is False
    assert not Attachment.all_objects.filter(pk=attachment.pk).exists()
    entry = AuditEntry.objects.get(event=AuditEvent.PURGE)
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "core.attachment",
        str(attachment.pk),
        "minutes.txt",
    )


def test_download_needs_login(client, admin, team):
    attachment = attach(team, admin)
    response = client.get(reverse("core:attachment_download", args=[attachment.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/login/")
