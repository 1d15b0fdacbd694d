"""The sales module's pages: each area keeps its own list of URLs."""

from django.urls import path

from guanxi.sales.urls_deals import urlpatterns as deal_urls
from guanxi.sales.urls_forecast import urlpatterns as forecast_urls
from guanxi.sales.urls_leads import urlpatterns as lead_urls
from guanxi.sales.urls_orders import urlpatterns as order_urls
from guanxi.sales.urls_quotes import urlpatterns as quote_urls
from guanxi.sales.views import handover

app_name = "sales"

urlpatterns = [
    *lead_urls,
    *deal_urls,
    *quote_urls,
    *order_urls,
    *forecast_urls,
    path("users/<int:pk>/handover/", handover.handover, name="handover"),
]
