"""The web adapter: FastAPI app with the JSON API (OpenAPI at /docs) and HTML pages."""

from haven.web._app import create_app

__all__ = ["create_app"]
