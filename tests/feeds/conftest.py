"""Feed tests share the web tests' settings and the API tests' corpus."""

from tests.api.conftest import corpus  # noqa: F401 - a fixture
from tests.web.conftest import _web_settings  # noqa: F401 - an autouse fixture
