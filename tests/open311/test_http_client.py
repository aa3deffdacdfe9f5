"""A partner app's view: the real app server over real HTTP, driven with a plain client.

The server (granian, as `grassroots serve` runs it) uses its own SQLite file in a temporary
directory, migrated first; the partner's key comes from `grassroots open311-key`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .shapes import parse_xml

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 90  # a loaded 2-core CI machine migrates and starts slowly


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(var_dir: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TEST_DATA"))},
        "DJANGO_SETTINGS_MODULE": "grassroots.settings.local",
        "GRASSROOTS_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "DATABASE_URL": "",
        "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p),
    }


def _grassroots(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "grassroots", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "the app server exited"
        try:
            httpx.get(f"{base}/services.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the app server did not answer in time")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, partner api_key) of a freshly migrated app server; always stopped after."""
    env = _environment(tmp_path_factory.mktemp("open311-server"))
    _grassroots(env, "migrate", "--verbosity", "0")
    key = _grassroots(env, "open311-key", "HTTP partner").strip()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(port), "grassroots.wsgi:application"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/open311/v2"
        _wait_until_up(base, server)
        yield base, key
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_partner_app_lists_submits_and_tracks_over_http(server: tuple[str, str]) -> None:
    base, key = server
    with httpx.Client(timeout=10, headers={"Accept-Language": "en"}) as http:
        services = http.get(f"{base}/services.json")
        assert services.status_code == 200
        assert services.headers["content-type"] == "application/json; charset=utf-8"
        codes = {s["service_code"] for s in services.json()}
        assert "urban.roads" in codes

        posted = http.post(f"{base}/requests.json", data={
            # A point on a fresh deployment with no areas yet: received, not located.
            "api_key": key, "service_code": "urban.roads",
            "lat": "39.9087", "long": "116.3975", "address_string": "1 East Chang'an Avenue",
            "description": "A large pothole", "first_name": "Li", "phone": "13700001111",
        })  # fmt: skip
        assert posted.status_code == 201, posted.text
        [created] = posted.json()
        request_id = created["service_request_id"]

        one = http.get(f"{base}/requests/{request_id}.json")
        assert one.status_code == 200
        assert one.json()[0]["status"] == "open"
        assert one.json()[0]["address"] is None  # withheld from the public
        assert (one.json()[0]["lat"], one.json()[0]["long"]) == (39.909, 116.397)  # snapped

        listed = http.get(f"{base}/requests.xml", params={"status": "open"})
        assert listed.status_code == 200
        assert listed.headers["content-type"] == "text/xml; charset=utf-8"
        root = parse_xml(listed.content)
        assert root.tag == "service_requests"
        assert request_id in [r.findtext("service_request_id") for r in root]
        assert b"13700001111" not in listed.content


def test_partner_app_with_a_wrong_key_gets_403_over_http(server: tuple[str, str]) -> None:
    base, _key = server

    refused = httpx.post(f"{base}/requests.xml", data={"api_key": "nope",
                                                       "service_code": "urban.roads"})  # fmt: skip

    assert refused.status_code == 403
    assert parse_xml(refused.content).findtext("error/code") == "403"
