from django.urls import path

from guanxi.customers.views import accounts, activities, contacts

app_name = "customers"

urlpatterns = [
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", accounts.account_edit, name="account_edit"),
    path("accounts/<int:pk>/delete/", accounts.account_delete, name="account_delete"),
    path(
        "accounts/<int:pk>/primary-contact/<int:contact_pk>/",
        accounts.account_set_primary,
        name="account_set_primary",
    ),
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/accounts/", contacts.contact_link_account, name="contact_link_account"),
    path(
        "contacts/<int:pk>/accounts/<int:account_pk>/remove/",
        contacts.contact_unlink_account,
        name="contact_unlink_account",
    ),
    path("contacts/<int:pk>/consents/", contacts.contact_consent, name="contact_consent"),
    path("accounts/<int:pk>/timeline/", activities.account_timeline, name="account_timeline"),
    path("contacts/<int:pk>/timeline/", activities.contact_timeline, name="contact_timeline"),
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/done/", activities.activity_toggle, name="activity_toggle"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/calendar.ics", activities.activity_ics, name="activity_ics"),
    path("my-day/", activities.my_day, name="my_day"),
    path("calendar/", activities.calendar, name="calendar"),
    path("calendar/meetings.ics", activities.calendar_ics, name="calendar_ics"),
]
