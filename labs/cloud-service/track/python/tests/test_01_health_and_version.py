"""Exercise 1: GET /healthz and GET /version."""

import requests

from service import health


def test_healthz_says_ok(service):
    resp = requests.get(service.url + "/healthz", timeout=5)
    assert resp.status_code == 200, f"GET /healthz answered {resp.status_code}: {resp.text}"
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.json() == {"status": "ok"}


def test_version_comes_from_the_environment(service):
    resp = requests.get(service.url + "/version", timeout=5)
    assert resp.status_code == 200, f"GET /version answered {resp.status_code}: {resp.text}"
    assert resp.json() == {"git_sha": "abc1234", "app_env": "lab"}, "the service was started with GIT_SHA=abc1234 APP_ENV=lab"


def test_version_has_defaults():
    status, body = health.version({})
    assert status == 200
    assert body == {"git_sha": "unknown", "app_env": "development"}


def test_version_reads_the_mapping_it_is_given():
    status, body = health.version({"GIT_SHA": "f00dcafe", "APP_ENV": "staging"})
    assert (status, body) == (200, {"git_sha": "f00dcafe", "app_env": "staging"}), \
        "version() reads GIT_SHA and APP_ENV from the mapping it is given (os.environ in the server), at request time"


def test_empty_values_get_the_defaults_too():
    status, body = health.version({"GIT_SHA": "", "APP_ENV": ""})
    assert body == {"git_sha": "unknown", "app_env": "development"}, (
        f"GIT_SHA and APP_ENV set but empty must give the defaults too, got {body}: "
        "environ.get(NAME, default) returns the empty string for a variable that is set but empty"
    )
