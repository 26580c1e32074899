"""The JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json and docs at
/api/v1/docs. Every operation needs a signed-in session (with CSRF on writes) or a bearer
token; what a caller may see and change is decided by the apps' `access` modules, and every
write goes through the apps' services.
"""

from __future__ import annotations

from zhaoshang.chains import api as chains_api
from zhaoshang.clusters import api as clusters_api
from zhaoshang.enterprises import api as enterprises_api
from zhaoshang.intel import api as intel_api
from zhaoshang.leads import api as leads_api
from zhaoshang.progress import api as progress_api

from . import enterprises, errors, projects
from .security import SessionAuth, TokenAuth

api = errors.API(
    title="招商 · 重大项目 API",
    version="1",
    description=(
        "The major-project ledger and the investor registry. Amounts are numbers in 万元 "
        "(10,000 CNY) with a qualifier (exact, at_least, approx, at_most) and the text as "
        "written. Authenticate with a browser session or `Authorization: Bearer <token>` "
        "(`zhaoshang token <user>`). Messages follow Accept-Language (zh-hans, en)."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    parser=errors.TextParser(),
)
errors.install(api)
api.add_router("", projects.router)
api.add_router("", enterprises_api.router)  # before /enterprises/{id}, which takes any text
api.add_router("", enterprises.router)
api.add_router("", clusters_api.router)
api.add_router("", progress_api.router)
api.add_router("", chains_api.router)
api.add_router("", intel_api.router)
api.add_router("", leads_api.router)

__all__ = ["api"]
