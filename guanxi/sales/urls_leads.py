from django.urls import URLPattern, path

from guanxi.sales.views import lead_rules, leads

urlpatterns: list[URLPattern] = [
    path("leads/", leads.lead_list, name="lead_list"),
    path("leads/new/", leads.lead_create, name="lead_create"),
    path("leads/quality/", lead_rules.lead_quality, name="lead_quality"),
    path("leads/quality/train/", lead_rules.lead_model_train, name="lead_model_train"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", leads.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/delete/", leads.lead_delete, name="lead_delete"),
    path("leads/<int:pk>/qualify/", leads.lead_qualify, name="lead_qualify"),
    path("leads/<int:pk>/disqualify/", leads.lead_disqualify, name="lead_disqualify"),
    path("leads/<int:pk>/log/", leads.lead_log_activity, name="lead_log_activity"),
    path("leads/<int:pk>/convert/", leads.lead_convert, name="lead_convert"),
    path(
        "leads/assignment-rules/",
        lead_rules.assignment_rule_list,
        name="assignment_rule_list",
    ),
    path(
        "leads/assignment-rules/<int:pk>/edit/",
        lead_rules.assignment_rule_edit,
        name="assignment_rule_edit",
    ),
    path(
        "leads/assignment-rules/<int:pk>/delete/",
        lead_rules.assignment_rule_delete,
        name="assignment_rule_delete",
    ),
    path(
        "leads/assignment-rules/<int:pk>/move/",
        lead_rules.assignment_rule_move,
        name="assignment_rule_move",
    ),
    path("leads/scoring-rules/", lead_rules.scoring_rule_list, name="scoring_rule_list"),
    path(
        "leads/scoring-rules/<int:pk>/edit/",
        lead_rules.scoring_rule_edit,
        name="scoring_rule_edit",
    ),
    path(
        "leads/scoring-rules/<int:pk>/delete/",
        lead_rules.scoring_rule_delete,
        name="scoring_rule_delete",
    ),
    path("leads/scoring-rules/rescore/", lead_rules.scoring_rescore, name="scoring_rescore"),
]
