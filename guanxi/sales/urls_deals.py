"""The deal and pipeline pages."""

from django.urls import URLPattern, path

from guanxi.sales.views import deals, deals_board, pipelines

urlpatterns: list[URLPattern] = [
    path("deals/", deals.deal_list, name="deal_list"),
    path("deals/board/", deals_board.deal_board, name="deal_board"),
    path("deals/new/", deals.deal_create, name="deal_create"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/delete/", deals.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/move/", deals_board.deal_move, name="deal_move"),
    path("deals/<int:pk>/timeline/", deals.deal_timeline, name="deal_timeline"),
    path("deals/<int:pk>/activities/", deals.deal_log_activity, name="deal_log_activity"),
    path("pipelines/", pipelines.pipeline_list, name="pipeline_list"),
    path("pipelines/<int:pk>/", pipelines.pipeline_detail, name="pipeline_detail"),
    path("pipelines/stages/<int:pk>/delete/", pipelines.stage_delete, name="stage_delete"),
]
