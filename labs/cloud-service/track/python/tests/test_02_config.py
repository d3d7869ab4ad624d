"""Exercise 2: configuration from the environment (unit tests: nothing listens)."""

import os
import subprocess
import sys

import pytest

from service.config import ConfigError, load_config

from .conftest import ROOT

SECRET = {"APP_SECRET_KEY": "s3cret-value"}


def test_defaults_fit_a_vm():
    cfg = load_config(SECRET)
    assert cfg.host == "0.0.0.0", "HOST defaults to 0.0.0.0: on a VM the service must be reachable from outside the machine"
    assert cfg.port == 8080
    assert cfg.log_level == "info"
    assert cfg.secret_key == "s3cret-value"


def test_values_come_from_the_environment():
    cfg = load_config({**SECRET, "HOST": "127.0.0.1", "PORT": "0", "LOG_LEVEL": "DEBUG"})
    assert (cfg.host, cfg.port, cfg.log_level) == ("127.0.0.1", 0, "debug")


@pytest.mark.parametrize("env, name", [
    ({}, "APP_SECRET_KEY"),
    ({"APP_SECRET_KEY": ""}, "APP_SECRET_KEY"),
    ({**SECRET, "PORT": "eighty"}, "PORT"),
    ({**SECRET, "PORT": "70000"}, "PORT"),
    ({**SECRET, "LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
])
def test_invalid_configuration_names_the_variable(env, name):
    with pytest.raises(ConfigError) as err:
        load_config(env)
    assert name in str(err.value), f"the error must name {name}: {err.value}"


def test_the_secret_never_shows_in_repr():
    assert "s3cret-value" not in repr(load_config(SECRET))


@pytest.mark.parametrize("env", [
    {**SECRET, "PORT": "eighty"},
    {**SECRET, "PORT": "70000"},
    {**SECRET, "LOG_LEVEL": "chatty"},
])
def test_error_messages_never_show_the_secret(env):
    with pytest.raises(ConfigError) as err:
        load_config(env)
    assert "s3cret-value" not in str(err.value), f"a ConfigError message shows the secret: {err.value}"


def test_the_secret_never_reaches_the_output():
    env = {**os.environ, "PORT": "not-a-port", "HOST": "127.0.0.1", "APP_SECRET_KEY": "s3cret-value",
           "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run([sys.executable, "-m", "service"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("started with PORT=not-a-port, the service kept running: it must exit 2 at once")
    assert done.returncode == 2, f"PORT=not-a-port: exit code {done.returncode}, expected 2; stderr: {done.stderr}"
    assert "s3cret-value" not in done.stdout + done.stderr, (
        f"the secret's value is in the service's output: {(done.stdout + done.stderr)[-300:]!r}")


def test_starting_without_the_secret_exits_2():
    env = {k: v for k, v in os.environ.items() if k != "APP_SECRET_KEY"}
    env.update(PORT="0", HOST="127.0.0.1", PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run([sys.executable, "-m", "service"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("started without APP_SECRET_KEY, the service kept running: it must exit 2 at once")
    assert done.returncode == 2, f"exit code {done.returncode}, expected 2; stderr: {done.stderr}"
    assert "APP_SECRET_KEY" in done.stderr, f"stderr must name APP_SECRET_KEY: {done.stderr!r}"
