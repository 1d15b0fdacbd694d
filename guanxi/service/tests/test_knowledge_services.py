"""Knowledge base articles through their services: drafting, publishing (service
managers only), changing, the trash, views and "did this answer your question?"; and
the article text, rendered safely."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.models import AuditEntry, TrashItem
from guanxi.service.models import Article, ArticleFeedback
from guanxi.service.models.knowledge import render_text
from guanxi.service.selectors_knowledge import articles_visible_to, deflections
from guanxi.service.services import knowledge as services
from guanxi.testing.knowledge import make_article
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def _state():
    return sorted(Article.all_objects.values_list("pk", "title", "status", "visibility", "body"))


def test_agent_drafts_and_manager_publishes():
    agent = make_user(role="service_agent")
    manager = make_user(role="service_manager")
    article = services.create_article(
        actor=agent, title="打印机卡纸", body="先关机。", language="zh-hans", visibility="public"
    )
    assert (article.status, article.author, article.published_at) == ("draft", agent, None)

    services.publish_article(actor=manager, article=article)

    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at is not None
    events = list(
        AuditEntry.objects.filter(object_id=str(article.pk)).values_list("event", flat=True)
    )
    assert sorted(events) == ["change", "create"]


def test_agent_cannot_publish_and_nothing_changes():
    agent = make_user(role="service_agent")
    article = make_article(author=agent, publish=False)
    before = _state()

    with pytest.raises(PermissionDenied):
        services.publish_article(actor=agent, article=article)
    with pytest.raises(PermissionDenied):
        services.create_article(actor=agent, title="T", body="B", publish=True)

    assert _state() == before


def test_agent_changes_own_draft_but_not_a_published_article_or_anothers_draft():
    agent = make_user(role="service_agent")
    own = make_article(author=agent, publish=False)
    services.update_article(actor=agent, article=own, title="Renamed")
    assert Article.objects.get(pk=own.pk).title == "Renamed"

    published = make_article(title="Published")
    colleague_draft = make_article(author=make_user(role="service_agent"), publish=False)
    before = _state()
    for article in (published, colleague_draft):
        with pytest.raises(PermissionDenied):
            services.update_article(actor=agent, article=article, title="Hijacked")
    assert _state() == before


def test_sales_rep_cannot_write_articles():
    rep = make_user(role="sales_rep")
    with pytest.raises(PermissionDenied):
        services.create_article(actor=rep, title="T", body="B")
    assert Article.objects.count() == 0


def test_bad_input_names_the_field():
    manager = make_user(role="service_manager")
    with pytest.raises(ValidationError) as error:
        services.create_article(
            actor=manager, title=" ", body="", language="fr", visibility="everyone"
        )
    assert set(error.value.message_dict) == {"title", "body", "language", "visibility"}
    assert Article.objects.count() == 0


def test_manager_unpublishes_and_published_change_keeps_status():
    manager = make_user(role="service_manager")
    article = make_article(author=manager)
    services.update_article(actor=manager, article=article, body="New text")
    assert Article.objects.get(pk=article.pk).status == "published"

    services.unpublish_article(actor=manager, article=article)
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_delete_moves_to_trash_and_out_of_sight():
    manager = make_user(role="service_manager")
    article = make_article(author=manager)

    services.delete_article(actor=manager, article=article)

    assert not articles_visible_to(manager).filter(pk=article.pk).exists()
    assert Article.all_objects.get(pk=article.pk).deleted_at is not None
    assert TrashItem.objects.filter(object_id=str(article.pk)).count() == 1


def test_agent_may_not_delete_a_published_article():
    agent = make_user(role="service_agent")
    article = make_article(author=agent, publish=False)
    services.publish_article(actor=make_user(role="service_manager"), article=article)
    with pytest.raises(PermissionDenied):
        services.delete_article(actor=agent, article=article)
    assert Article.objects.filter(pk=article.pk).exists()


def test_views_and_feedback_are_counted_and_a_yes_is_a_deflection():
    article = make_article()

    services.record_view(article=article)
    services.record_view(article=article)
    services.record_feedback(article=article, helpful=True, source="help_form")
    services.record_feedback(article=article, helpful=True, source="faq")
    services.record_feedback(article=article, helpful=False, source="faq")

    article.refresh_from_db()
    assert (article.view_count, article.helpful_yes, article.helpful_no) == (2, 2, 1)
    assert deflections() == {"deflected": 2, "not_helpful": 1, "from_help_form": 1, "from_faq": 1}


def test_feedback_on_a_draft_or_from_nowhere_is_refused():
    draft = make_article(publish=False)
    with pytest.raises(ValidationError) as error:
        services.record_feedback(article=draft, helpful=True, source="faq")
    assert "article" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_feedback(article=make_article(), helpful=True, source="mail")
    assert "source" in error.value.message_dict
    assert ArticleFeedback.objects.count() == 0


def test_text_is_rendered_with_its_html_escaped():
    html = render_text(
        "# Steps\n\n1. Switch **off**\n2. Pull `paper`\n\n- see [FAQ](https://example.com/faq)"
        "\n- [bad](javascript:alert(1))\n\n<script>alert(1)</script>"
    )
    assert "<h2>Steps</h2>" in html
    assert "<ol><li>Switch <strong>off</strong></li><li>Pull <code>paper</code></li></ol>" in html
    assert '<a href="https://example.com/faq" rel="nofollow noopener">FAQ</a>' in html
    assert "javascript:" not in html.replace("[bad](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
