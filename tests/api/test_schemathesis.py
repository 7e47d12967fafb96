"""Property-based requests against the reader's own operations, generated from the OpenAPI schema.

schemathesis makes valid and invalid paths, queries and bodies for each operation and sends them, with a
live token, through the whole WSGI stack (middleware included) into the test's database; no answer may
be a server error, and each answer must match what the schema declares for its status.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gazette.api.api import api
from gazette.wsgi import application
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

# The WSGI client asks for gzip but does not unpack it; the site compresses JSON (ops/compression.py).
PLAIN = {"Accept-Encoding": "identity"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema() -> schemathesis.schemas.BaseSchema:
    # The schema as /api/openapi.json serves it, built without a request: collection may not use the
    # database, which the middleware on the way to the URL would.
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
    loaded.app = application
    return loaded.include(tag=["me", "follows", "saved", "reading", "comments"])


schema = _schema()


@pytest.fixture(autouse=True)
def _connection_kept():
    """As Django's test client does: the WSGI handler would close the database connection after each
    request, and with it the test's transaction (PostgreSQL then answers every later request 500)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(reader, corpus) -> str:
    return token_for(reader)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example store written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_write_api_never_fails_on_any_input(case, token):
    case.call_and_validate(headers={**PLAIN, "Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_without_a_token_every_operation_answers_401(case, corpus):
    response = case.call(headers={**PLAIN, "Authorization": "Bearer gzt_revoked-or-never-made"})
    # Among the examples are other methods on the same path (TRACE, say): those are not allowed at all.
    expected = 401 if case.method.upper() == case.operation.method.upper() else 405
    assert response.status_code == expected, (case.method, case.formatted_path, response.text)
