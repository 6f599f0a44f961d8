"""The site's addresses that messages link to; webapp.alerts serves the same paths."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

from alerts.config import AlertsConfig
from alerts.search import results_path

PREFIX = "/alerts"  # the blueprint's url_prefix


def confirm_link(config: AlertsConfig, token: str) -> str:
    return f"{config.base_url}{PREFIX}/confirm/{quote(token)}"


def unsubscribe_link(config: AlertsConfig, token: str) -> str:
    return f"{config.base_url}{PREFIX}/unsubscribe/{quote(token)}"


def article_link(config: AlertsConfig, article_id: str) -> str:
    return f"{config.base_url}/article?{urlencode({'id': article_id})}"


def results_link(config: AlertsConfig, params: Mapping[str, str]) -> str:
    return config.base_url + results_path(params)
