"""Exercise 2: authenticate. See exercises/02-auth.md."""

import logging

import pytest

from client.api import ApiClient
from client.auth import ClientCredentials
from client.config import ConfigError
from client.errors import Unauthorized
from conftest import CLIENT_ID, CLIENT_SECRET


def test_credentials_come_from_the_environment():
    creds = ClientCredentials.from_env("http://127.0.0.1:9", environ={"PRACTICE_API_CLIENT_ID": "me", "PRACTICE_API_CLIENT_SECRET": "s"})
    assert isinstance(creds, ClientCredentials)
    with pytest.raises(ConfigError) as err:
        ClientCredentials.from_env("http://127.0.0.1:9", environ={"PRACTICE_API_CLIENT_ID": "me"})
    assert "PRACTICE_API_CLIENT_SECRET" in str(err.value), "name the missing variable"


def test_the_token_is_cached(api):
    creds = ClientCredentials(api.url, CLIENT_ID, CLIENT_SECRET)
    first = creds.token()
    assert isinstance(first, str) and first, "token() must return the access_token string"
    assert creds.token() == first, "a second token() while the first is valid must return the cached token"
    tokens = api.journal("/oauth/token")
    assert len(tokens) == 1, f"expected 1 POST /oauth/token for two token() calls, the journal shows {len(tokens)}"
    assert tokens[0]["method"] == "POST" and tokens[0]["status"] == 200, f"the token request failed: {tokens[0]}"


def test_a_wrong_secret_raises_unauthorized(api):
    creds = ClientCredentials(api.url, CLIENT_ID, "not-the-secret")
    with pytest.raises(Unauthorized):
        creds.token()


def test_invalidate_forces_a_new_token(api):
    creds = ClientCredentials(api.url, CLIENT_ID, CLIENT_SECRET)
    first = creds.token()
    creds.invalidate(first)
    assert creds.token() != first, "after invalidate(token), token() must fetch a new one"
    assert len(api.journal("/oauth/token")) == 2


def test_short_lived_tokens_are_refreshed_once_per_expiry(api, clock):
    api.scenario("short-tokens")  # tokens live 3 s (on the server's clock, which clock.sleep moves)
    client = ApiClient(sleep=clock.sleep, clock=clock.now)  # credentials from the environment
    for _ in range(10):
        client.get_product(1)
        clock.sleep(1.1)
    tokens = len(api.journal("/oauth/token"))
    refused = [e for e in api.journal() if e["status"] == 401]
    assert 3 <= tokens <= 5, (
        f"over ~11 s with 3 s tokens expect about 4 token requests, the journal shows {tokens}: "
        + ("are you caching the token?" if tokens > 5 else "do you refresh when it expires (or after a 401)?")
    )
    assert not refused, (
        f"{len(refused)} requests got 401: refresh the token shortly before it expires (its expiry measured on the "
        "injected clock, minus a margin), instead of waiting for the server to refuse it")


def test_no_token_or_secret_in_logs(api, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    client = ApiClient()
    client.get_product(3)
    token = client.auth.token()
    out = capsys.readouterr()
    for text, where in ((caplog.text, "logs"), (out.out + out.err, "output")):
        assert token not in text, f"the access token appears in the {where}; log that you fetched one, never its value"
        assert CLIENT_SECRET not in text, f"the client secret appears in the {where}"
    assert CLIENT_SECRET not in repr(client.auth), "repr() of the credentials must not show the secret"
