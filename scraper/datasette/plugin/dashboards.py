"""The portal dashboard asks for a portal before it draws.

datasette-dashboards draws every chart of `/-/dashboards/portal` even with no portal chosen: empty
panels and JavaScript errors. Without a `portal` argument, this page lists the archive's portals
instead, each linking to its dashboard, with a form to choose one.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from datasette.utils.asgi import Request, Response

DASHBOARD = "portal"
FILTER = "portal"


def portal_first(datasette):
    """Wrap Datasette's ASGI app: the portal dashboard without a portal is a page that asks for one."""
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] == "http" and scope.get("path") == f"/-/dashboards/{DASHBOARD}" and not _chosen(scope):
                response = await choose_page(datasette, Request(scope, receive))
                await response.asgi_send(send)
                return
            await app(scope, receive, send)
        return wrapped
    return wrap


def _chosen(scope) -> bool:
    """Whether the request names a portal."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(FILTER, [])
    return any(value.strip() for value in values)


async def choose_page(datasette, request: Request) -> Response:
    """The page asking for a portal: each portal with its province, level and article count."""
    config = (datasette.plugin_config("datasette-dashboards") or {}).get(DASHBOARD)
    if config is None:
        return Response.text("no portal dashboard\n", status=404)
    database = config["filters"][FILTER]["db"]
    portals = (await datasette.get_database(database).execute(
        "SELECT p.id, p.name, p.province, p.level, "
        "(SELECT count(*) FROM articles a WHERE a.portal_id = p.id AND a.duplicate_of IS NULL) AS articles "
        "FROM portals p ORDER BY p.province, p.level, p.id")).rows
    return Response.html(await datasette.render_template(
        "govnews_choose_portal.html",
        {"dashboard": config, "path": request.path, "filter": FILTER, "portals": [dict(row) for row in portals]},
        request=None))  # outside Datasette's CSRF layer: no token (the form is a GET)
