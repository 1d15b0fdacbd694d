from django.urls import path

from guanxi.customers.views import accounts, activities, contacts, email, relationships, tiers

app_name = "customers"

urlpatterns = [
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/bulk/", accounts.account_bulk, name="account_bulk"),
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
    path("contacts/bulk/", contacts.contact_bulk, name="contact_bulk"),
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
    path("contacts/<int:pk>/email/", email.contact_email, name="contact_email"),
    path("accounts/<int:pk>/email/", email.account_email, name="account_email"),
    path("email-templates/", email.email_template_list, name="email_template_list"),
    path("email-templates/new/", email.email_template_create, name="email_template_create"),
    path("email-templates/<int:pk>/edit/", email.email_template_edit, name="email_template_edit"),
    path(
        "email-templates/<int:pk>/delete/",
        email.email_template_delete,
        name="email_template_delete",
    ),
    path(
        "accounts/<int:pk>/relationships/",
        relationships.account_relationship_add,
        name="account_relationship_add",
    ),
    path(
        "contacts/<int:pk>/relationships/",
        relationships.contact_relationship_add,
        name="contact_relationship_add",
    ),
    path(
        "relationships/<int:pk>/remove/",
        relationships.relationship_remove,
        name="relationship_remove",
    ),
    path(
        "relationships/candidates/",
        relationships.relationship_candidates,
        name="relationship_candidates",
    ),
    path("tiers/", tiers.tier_list, name="tier_list"),
    path("tiers/<int:pk>/edit/", tiers.tier_edit, name="tier_edit"),
    path("my-day/", activities.my_day, name="my_day"),
    path("calendar/", activities.calendar, name="calendar"),
    path("calendar/meetings.ics", activities.calendar_ics, name="calendar_ics"),
]
