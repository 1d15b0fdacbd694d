"""The service module's knowledge pages (included by guanxi.service.urls): the staff's
knowledge base, the suggestions on a ticket, and the public help form and FAQ."""

from django.urls import URLPattern, path

from guanxi.service.views import help as public_help
from guanxi.service.views import knowledge

urlpatterns: list[URLPattern] = [
    path("kb/", knowledge.kb_list, name="kb_list"),
    path("kb/new/", knowledge.kb_create, name="kb_create"),
    path("kb/<int:pk>/", knowledge.kb_detail, name="kb_detail"),
    path("kb/<int:pk>/edit/", knowledge.kb_edit, name="kb_edit"),
    path("kb/<int:pk>/publish/", knowledge.kb_publish, name="kb_publish"),
    path("kb/<int:pk>/unpublish/", knowledge.kb_unpublish, name="kb_unpublish"),
    path("kb/<int:pk>/delete/", knowledge.kb_delete, name="kb_delete"),
    path("tickets/<int:pk>/kb-suggestions/", knowledge.kb_suggest, name="kb_suggest"),
    path(
        "tickets/<int:pk>/kb-link/<int:article_pk>/",
        knowledge.kb_insert_link,
        name="kb_insert_link",
    ),
    path("help/", public_help.help_form, name="help_form"),
    path("help/suggest/", public_help.help_suggest, name="help_suggest"),
    path("help/faq/", public_help.faq_index, name="faq_index"),
    path("help/faq/<int:pk>/", public_help.faq_article, name="faq_article"),
    path("help/faq/<int:pk>/feedback/", public_help.faq_feedback, name="faq_feedback"),
]
