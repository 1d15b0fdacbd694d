"""The one NinjaAPI instance: every module's router mounted under /api/v1/."""

from ninja import NinjaAPI

from guanxi.analytics.api import router as analytics_router
from guanxi.analytics.api_churn import router as churn_router
from guanxi.analytics.api_classification import router as classification_router
from guanxi.core.api import router as platform_router
from guanxi.core.api_dashboards import router as dashboards_router
from guanxi.core.api_files import router as files_router
from guanxi.customers.api import router as customers_router
from guanxi.customers.api_activities import router as activities_router
from guanxi.customers.api_email import router as email_router
from guanxi.customers.api_relationships import router as relationships_router
from guanxi.integrations.api.auth import ActiveSessionAuth, TokenAuth
from guanxi.integrations.api.errors import install_error_handlers
from guanxi.integrations.api_dedupe import router as dedupe_router
from guanxi.integrations.api_exports import router as exports_router
from guanxi.integrations.api_imports import router as imports_router
from guanxi.integrations.api_match_rules import router as match_rules_router
from guanxi.integrations.api_sync import router as sync_router
from guanxi.sales.api_deals import router as deals_router
from guanxi.sales.api_forecast import router as forecast_router
from guanxi.sales.api_handover import router as handover_router
from guanxi.sales.api_leads import router as leads_router
from guanxi.sales.api_orders import router as orders_router
from guanxi.sales.api_quotes import router as quotes_router
from guanxi.service.api import router as service_router
from guanxi.service.api_escalation import router as escalation_router
from guanxi.service.api_field import router as field_router
from guanxi.service.api_knowledge import router as knowledge_router
from guanxi.service.api_reports import router as service_reports_router
from guanxi.service.api_routing import router as routing_router
from guanxi.service.api_surveys import router as surveys_router

api = NinjaAPI(
    title="Guanxi API",
    version="1",
    description=(
        "Everything the Guanxi web interface does. Authenticate with a personal API token "
        "(`Authorization: Bearer gx_…`, created under Profile → API tokens) or, from the "
        "browser, the session cookie plus the CSRF header. Lists use keyset pagination: "
        "pass `next_cursor` back as `cursor`. Errors are "
        '`{"errors": [{"field", "message", "code"}]}`.'
    ),
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", platform_router)
api.add_router("", files_router)
# Before customers: its /contacts/{contact_id} would swallow /contacts/duplicates-of.
api.add_router("", match_rules_router)
api.add_router("", dedupe_router)
api.add_router("", customers_router)
api.add_router("", activities_router)
api.add_router("", email_router)
api.add_router("", relationships_router)
api.add_router("", leads_router)
api.add_router("", deals_router)
api.add_router("", quotes_router)
api.add_router("", orders_router)
api.add_router("", service_router)
api.add_router("", routing_router)
api.add_router("", escalation_router)
api.add_router("", knowledge_router)
api.add_router("", surveys_router)
api.add_router("", field_router)
api.add_router("", service_reports_router)
api.add_router("", analytics_router)
api.add_router("", dashboards_router)
api.add_router("", classification_router)
api.add_router("", churn_router)
api.add_router("", forecast_router)
api.add_router("", handover_router)
api.add_router("", exports_router)
api.add_router("", imports_router)
api.add_router("", sync_router)
