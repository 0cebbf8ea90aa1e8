"""The files an operator copies from deploy/ work as shipped: systemd and nginx accept them
with their own checks, and the env file names only real settings and starts nothing unsafe.

Each runs the real Debian program (systemd-analyze, nginx, openssl; scripts/test installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from server.config import SETTINGS
from tests.conftest import ROOT, timeout

DEPLOY = ROOT / "deploy"
UNIT_EXEC = "/opt/planche/venv/bin/planche"
CERT = "/etc/letsencrypt/live/board.example.org/fullchain.pem"
CERT_KEY = "/etc/letsencrypt/live/board.example.org/privkey.pem"


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    assert found, f"{name} is missing: run scripts/test, which installs it"
    return found


def test_systemd_accepts_the_unit_without_a_warning(tmp_path: Path) -> None:
    # The unit installed in a root of its own: systemd's units, the venv's `planche` (a
    # stand-in; verify only checks that it is executable) and ours in /etc/systemd/system.
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(DEPLOY / "planche.service", root / "etc/systemd/system/planche.service")
    stand_in = root / UNIT_EXEC.lstrip("/")
    stand_in.parent.mkdir(parents=True)
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)

    result = subprocess.run(
        [_program("systemd-analyze"), "verify", f"--root={root}", "planche.service"],
        capture_output=True,
        text=True,
        timeout=timeout(60),
    )

    # an unknown key or a bad value is only a warning for systemd, and still exit code 0
    assert (result.returncode, result.stdout + result.stderr) == (0, ""), result.stderr


def self_signed_certificate(directory: Path, name: str = "board.example.org") -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [_program("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=timeout(60),
    )  # fmt: skip
    return cert, key


def nginx_site(cert: Path, key: Path, replacements: dict[str, str] | None = None) -> str:
    """deploy/nginx.conf with the test's certificate (and ports) in place of the examples."""
    text = (DEPLOY / "nginx.conf").read_text()
    for old, new in {CERT: str(cert), CERT_KEY: str(key), **(replacements or {})}.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}; update this test"
        text = text.replace(old, new)
    return text


def nginx_main(directory: Path, site: str) -> Path:
    """A main configuration that includes the site inside http {}, as Debian's does."""
    (directory / "site.conf").write_text(site)
    main = directory / "nginx.conf"
    temp = " ".join(
        f"{kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    main.write_text(
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'};\n"
        "events {}\n"
        f"http {{ access_log off; {temp} uwsgi_temp_path {directory / 'uwsgi'}; "
        f"scgi_temp_path {directory / 'scgi'}; include {directory / 'site.conf'}; }}\n"
    )
    return main


def test_nginx_accepts_the_configuration_with_a_certificate_in_place(tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    main = nginx_main(tmp_path, nginx_site(cert, key))

    result = subprocess.run(
        [_program("nginx"), "-t", "-c", str(main), "-p", str(tmp_path),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=timeout(60),
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def _env_lines() -> list[str]:
    return (DEPLOY / "planche.env").read_text().splitlines()


def test_the_env_file_names_only_settings_that_exist() -> None:
    named = re.findall(r"^#?\s*(PLANCHE_[A-Z_]+)=", "\n".join(_env_lines()), re.MULTILINE)
    unknown = set(named) - {s.env for s in SETTINGS}
    assert named and not unknown, f"not a setting (docs/settings.md): {sorted(unknown)}"


def test_the_env_file_as_shipped_starts_nothing_until_the_invite_code_is_given() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANCHE_")}
    for line in _env_lines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    # an operator who forgets the code gets a server that refuses to start, not an open one
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout(60),
    )  # fmt: skip
    assert result.returncode != 0
    assert "--facilitators invite needs --invite-code" in result.stderr
