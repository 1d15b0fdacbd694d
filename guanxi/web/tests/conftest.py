from guanxi.testing.browser import browser, page  # noqa: F401 - fixtures
