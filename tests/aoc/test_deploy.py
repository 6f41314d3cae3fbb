"""Production settings come from the environment alone and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return env | overrides


def test_check_deploy_passes_with_production_like_variables(tmp_path):
    env = _env(
        DEBUG="0",
        SECRET_KEY="x9!kq2#v7@m4$p8&z1^r6*t3(w5)y0_u-i+o=a[s]d{f}g|h;j:k'l,b.n<m>c?",
        ALLOWED_HOSTS="aoc.example.go.th",
        CSRF_TRUSTED_ORIGINS="https://aoc.example.go.th",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        STATIC_ROOT=str(tmp_path / "static"),
        BEHIND_TLS_PROXY="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _env(DEBUG="0", ALLOWED_HOSTS="aoc.example.go.th")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_compose_file_defines_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert "gunicorn" in str(services["web"].get("command", "")) + (ROOT / "Dockerfile").read_text()
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])


def test_env_example_documents_every_variable_the_settings_read():
    import re

    settings_text = (ROOT / "aoc" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_text))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - documented == set()
