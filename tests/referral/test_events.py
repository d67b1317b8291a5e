"""Events from form or JSON data, every problem reported; the inbox endpoint unconfigured."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from haven.exceptions import ConfigurationError, ValidationFailed
from haven.referral import (
    EVENT_TYPES,
    AssistanceKind,
    AssistanceStarted,
    ReasonableGroundsDecided,
    TransnationalSettings,
    event_from_data,
)
from haven.referral.api import router


def test_events_round_trip_through_their_data() -> None:
    event = AssistanceStarted(on=date(2026, 3, 2), reason="plan agreed",
                              kinds=frozenset({AssistanceKind.SHELTER, AssistanceKind.MEDICAL}))
    data = {"on": "2026-03-02", "reason": "plan agreed", **event.data()}
    assert data["kinds"] == ["medical", "shelter"]
    assert event_from_data("assistance_started", data) == event
    assert set(EVENT_TYPES) >= {"referred", "closed", "compensation_claimed"}


def test_problems_are_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        event_from_data("reasonable_grounds_decided", {"on": "2 March", "colour": "red",
                                                        "reason": "x"})
    assert {p.field for p in caught.value.problems} == {"on", "colour"}
    with pytest.raises(ValidationFailed) as missing:
        event_from_data("reasonable_grounds_decided", {"on": "2026-03-02", "reason": "x"})
    assert {p.field for p in missing.value.problems} == {"authority", "positive"}
    with pytest.raises(ValidationFailed):
        event_from_data("teleported", {})
    with pytest.raises(ValidationFailed):
        ReasonableGroundsDecided(on=date(2026, 3, 2), reason="  ", positive=True,
                                 authority="NRM")


def test_the_inbox_is_not_found_until_configured() -> None:
    from haven.web._errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/api/transnational/card").status_code == 404
        assert client.post("/api/transnational/inbox", json={}).status_code in (404, 422)


def test_transnational_settings_from_the_environment() -> None:
    assert TransnationalSettings.from_env({}) is None
    with pytest.raises(ConfigurationError, match="HAVEN_TRM_ORGANISATION, HAVEN_TRM_NAME"):
        TransnationalSettings.from_env({"HAVEN_TRM_KEY_FILE": "k"})
    full = {"HAVEN_TRM_KEY_FILE": "k", "HAVEN_TRM_ORGANISATION": "nl-nrm",
            "HAVEN_TRM_NAME": "Haven NL", "HAVEN_TRM_COUNTRY": "NL",
            "HAVEN_TRM_ENDPOINT": "https://haven.example.nl"}
    settings = TransnationalSettings.from_env(full)
    assert settings is not None and settings.window_seconds == 300
    with pytest.raises(ConfigurationError, match="between 10 and 3600"):
        TransnationalSettings.from_env({**full, "HAVEN_TRM_WINDOW": "5"})
