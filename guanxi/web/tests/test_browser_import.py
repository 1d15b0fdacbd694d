"""Real clicks: a sales rep imports a GBK CSV of contacts through the wizard — upload,
map a column the guess missed, see the check's problem by row and column, import, see
the finished counts and the new contacts."""

import pytest

from guanxi.customers.models import Contact
from guanxi.integrations.imports.models import ImportJob, ImportStatus
from guanxi.testing.browser import screenshot
from guanxi.testing.users import make_user
from guanxi.web.tests.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "联系手机" is not a header the wizard recognises: the user maps it by hand.
CONTACTS_CSV = (
    "姓名,联系手机,邮箱,公司\n"
    "张伟,138 1234 5678,zw@huaxin.example,华信科技\n"
    "王芳,12345,wf@huaxin.example,华信科技\n"
    "李娜,13912345678,ln@yuanjing.example,远景贸易\n"
).encode("gbk")


def test_rep_imports_a_gbk_contact_file_through_the_wizard(page, live_server):
    # Given a sales rep on the imports page
    rep = make_user(role="sales_rep", full_name="李伟")
    log_in(page, live_server, rep.email)
    page.goto(f"{live_server.url}/imports/")

    # When they upload the file as contacts
    upload = page.get_by_test_id("import-upload")
    upload.get_by_label("Records").select_option("customers.contact")
    upload.get_by_label("File").set_input_files(
        files=[{"name": "老客户.csv", "mimeType": "text/csv", "buffer": CONTACTS_CSV}]
    )
    upload.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"{live_server.url}/imports/*/mapping/")
    job = ImportJob.objects.get()
    assert job.encoding == "gb18030"

    # Then the guessed columns are chosen; they map the one it missed and check the file
    mapping = page.get_by_test_id("import-mapping")
    assert mapping.get_by_label("姓名").input_value() == "full_name"
    assert mapping.get_by_label("联系手机").input_value() == ""
    mapping.get_by_label("联系手机").select_option(label="Mobile phone")
    mapping.get_by_role("button", name="Check the file").click()
    page.wait_for_url(f"{live_server.url}/imports/{job.pk}/")

    # The check lists the bad row by its line in the file and its column; nothing is saved
    progress = page.get_by_test_id("import-progress")
    assert progress.get_by_text("Checked").is_visible()
    assert progress.get_by_test_id("created").inner_text() == "2"
    assert progress.get_by_test_id("error-count").inner_text() == "1"
    problem = page.get_by_test_id("import-errors").get_by_role("row").filter(has_text="12345")
    assert problem.get_by_role("cell").nth(0).inner_text() == "3"
    assert problem.get_by_role("cell").nth(1).inner_text() == "联系手机"
    assert page.get_by_role("link", name="Download every problem (CSV)").is_visible()
    assert Contact.objects.count() == 0

    # When they import the rows without errors
    page.get_by_test_id("import-start").click()
    page.wait_for_url(f"{live_server.url}/imports/{job.pk}/")

    # Then the import is finished with its counts, and the contacts are there
    progress = page.get_by_test_id("import-progress")
    progress.get_by_text("Done").wait_for()
    assert progress.get_by_test_id("created").inner_text() == "2"
    assert progress.get_by_test_id("error-count").inner_text() == "1"
    assert page.get_by_test_id("import-rollback").is_visible()
    assert ImportJob.objects.get().status == ImportStatus.DONE
    page.goto(f"{live_server.url}/contacts/")
    assert page.get_by_role("link", name="张伟").first.is_visible()
    assert page.get_by_role("link", name="李娜").first.is_visible()
    assert page.get_by_role("link", name="王芳").count() == 0
    zhang = Contact.objects.get(full_name="张伟")
    assert [p.value for p in zhang.phones.all()] == ["+8613812345678"]
    assert screenshot(page, "import-done").stat().st_size > 10_000
