"""The portal as a newcomer first runs it: no DATABASE_URL, no REDIS_URL — SQLite, inline tasks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_portal(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["DATA_DIR"] = str(data_dir)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    assert (data_dir / "aoc.sqlite3").exists()
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_embedded_default_serves_the_demo_district_in_thai(page, embedded_portal):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(embedded_portal)
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "สพป.สงขลา เขต 2" in body
    assert "127" in body
    assert page.evaluate("document.documentElement.lang") == "th"
    # The Thai web font and every other asset come from the portal itself, never from a CDN.
    assert any("sarabun" in url for url in requested)
    assert [url for url in requested if not url.startswith(embedded_portal)] == []
    assert (
        page.evaluate("getComputedStyle(document.body).fontFamily")
        .lower()
        .startswith(("sarabun", '"sarabun'))
    )


def test_embedded_default_directory_and_profile(page, embedded_portal):
    page.goto(f"{embedded_portal}/schools/?q=บ้านเขารักเกียรติ")
    page.click("text=บ้านเขารักเกียรติ")
    body = page.inner_text("body")
    assert "1090550174" in body
    assert "90020001" in body
