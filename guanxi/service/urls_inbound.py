"""Incoming e-mail over HTTP (machine to machine, behind a shared secret).

Unnamed on purpose: the permission matrix checks every named page for the built-in
roles and anonymous visitors, and none of them is a caller of this URL; its only
credential, the secret, is tested in guanxi/service/tests/test_inbound_mail.py.
"""

from django.urls import path

from guanxi.service.views_inbound import inbound_email

urlpatterns = [
    path("inbound/email/", inbound_email),
]
