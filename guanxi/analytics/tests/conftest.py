import json
from urllib.parse import urlencode

import pytest

from guanxi.core.services.tokens import create_token


@pytest.fixture
def api_as(client):
    """``api_as(user)(method, path, body, **query)``: calls the API with the user's token."""

    def for_user(user):
        key = create_token(actor=user, name="t")[1]

        def call(method, path, body=None, **params):
            url = f"{path}?{urlencode(params, doseq=True)}" if params else path
            return client.generic(
                method,
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Authorization": f"Bearer {key}"},
            )

        return call

    return for_user
