"""The sales module's pages: each area keeps its own list of URLs."""

from guanxi.sales.urls_deals import urlpatterns as deal_urls
from guanxi.sales.urls_leads import urlpatterns as lead_urls

app_name = "sales"

urlpatterns = [*lead_urls, *deal_urls]
