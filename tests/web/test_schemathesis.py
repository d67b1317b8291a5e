"""Property-based requests from the OpenAPI schema (schemathesis): no input makes the API fail.

Every operation is called with generated parameters and bodies, valid and invalid, by a case
worker's bearer token, on SQLite and on PostgreSQL (whose text type, unlike SQLite's, refuses
NUL characters); any 5xx is a bug. Examples per operation are bounded to keep the suite quick.

The operations are driven through `APIOperation.as_strategy` in one test rather than through
`schema.parametrize()`: the schema needs the test's app (fixtures), and schemathesis's lazy
`from_fixture` schema does not run on pytest 9 (it reads the removed `Node._nodeid`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from factories import FAST_LOGIN, VICTIM_FIELDS
from haven.config import Settings
from haven.registry import Registry
from haven.web import create_app
from web.conftest import Users, inbox_settings

EXAMPLES = 30


def test_no_operation_answers_a_server_error(
    registry: Registry, settings: Settings, users: Users, tmp_path: Path,
) -> None:
    # The inbox on, so that it is fuzzed too: it takes input from other installations.
    app = create_app(registry, settings, login_policy=FAST_LOGIN,
                     transnational=inbox_settings(users.org, tmp_path))
    headers = users.token("worker")
    # A record to find, so lists and filters run on data, not on an empty table.
    created = TestClient(app).post("/api/victims", json=VICTIM_FIELDS, headers=headers)
    assert created.status_code == 201
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: dict[str, str] = {}
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the schema itself is valid
        operation = result.ok()
        operations += 1
        cases = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                          operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @given(case=cases)
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            statuses[response.status_code] += 1

        try:
            call()
        except (Exception, BaseExceptionGroup) as error:  # every operation's, not the first
            failures[operation.label] = f"{type(error).__name__}: {error}"
    assert operations >= 19
    assert failures == {}
    # The token worked and generated requests reached the handlers, not only the validators.
    assert statuses[200] and statuses[201], statuses
