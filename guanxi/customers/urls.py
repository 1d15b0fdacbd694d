from django.urls import path

from guanxi.customers.views import accounts, contacts

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
]
