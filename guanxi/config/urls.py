from django.urls import include, path

from guanxi.integrations.api.assembly import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("guanxi.core.urls")),
    path("", include("guanxi.customers.urls")),
    path("", include("guanxi.sales.urls")),
    path("", include("guanxi.service.urls")),
    path("", include("guanxi.analytics.urls")),
    path("", include("guanxi.service.urls_inbound")),
    path("", include("guanxi.integrations.urls")),
    path("", include("guanxi.web.urls")),
]
