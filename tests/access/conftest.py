"""The browser fixtures of tests/browser (the system Chromium, headless) for the page sweep."""

from tests.browser.conftest import base_url, browser_type_launch_args  # noqa: F401 (fixtures)
