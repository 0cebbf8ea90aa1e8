"""The files an operator copies from deploy/ work as shipped: systemd and nginx accept them
with their own checks, the env file names only real settings and starts nothing unsafe, and
the nginx site, run in front of two workers, carries HTTPS, WebSockets and client addresses.

Each runs the real Debian program (systemd-analyze, nginx, openssl; scripts/test installs them).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Origin

from server.config import SETTINGS
from server.store.sql import SqlStore
from tests.conftest import ROOT, RunningServer, free_port, timeout

DEPLOY = ROOT / "deploy"
UNIT_EXEC = "/opt/planche/venv/bin/planche"
CERT = "/etc/letsencrypt/live/board.example.org/fullchain.pem"
CERT_KEY = "/etc/letsencrypt/live/board.example.org/privkey.pem"


def _program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    assert found, f"{name} is missing: run scripts/test, which installs it"
    return found


def test_systemd_accepts_the_units_without_a_warning(tmp_path: Path) -> None:
    # The units installed in a root of their own: systemd's units, ours in /etc/systemd/system
    # and a stand-in for each program they start (verify checks that it is executable).
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    units = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
    for unit in units:
        shutil.copy(unit, root / "etc/systemd/system" / unit.name)
        for program in re.findall(r"^Exec\w+=[-@:+!]*(/\S+)", unit.read_text(), re.MULTILINE):
            stand_in = root / program.lstrip("/")
            stand_in.parent.mkdir(parents=True, exist_ok=True)
            stand_in.write_text("#!/bin/sh\n")
            stand_in.chmod(0o755)
    assert (root / UNIT_EXEC.lstrip("/")).exists(), "the unit starts the venv the docs install"

    result = subprocess.run(
        [_program("systemd-analyze"), "verify", f"--root={root}", *(u.name for u in units)],
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


def nginx_main(directory: Path, site: str, top: str = "") -> Path:
    """A main configuration that includes the site inside http {}, as Debian's does."""
    (directory / "site.conf").write_text(site)
    main = directory / "nginx.conf"
    temp = " ".join(
        f"{kind}_temp_path {directory / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    main.write_text(
        f"{top}pid {directory / 'nginx.pid'};\n"
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


@dataclass
class Front:
    """nginx in front of Planche: its HTTPS and plain HTTP addresses, the certificate."""

    https: str
    http: str
    cert: Path


@pytest.fixture
def behind_nginx(tmp_path: Path, postgres_url: str, redis_server: Any) -> Iterator[Front]:
    """deploy/nginx.conf on free ports in front of `planche serve --workers 2`."""
    running = RunningServer(
        tmp_path,
        (
            "--workers", "2", "--redis-url", redis_server.url,
            "--forwarded-allow-ips", "127.0.0.1", "--allowed-hosts", "localhost,127.0.0.1",
            "--join-guess-burst", "2", "--join-guesses-per-minute", "0.01",
        ),
        database_url=postgres_url,
    )  # fmt: skip
    running.start()
    nginx: subprocess.Popen[bytes] | None = None
    try:
        conf = tmp_path / "nginx"
        conf.mkdir()
        cert, key = self_signed_certificate(conf, "localhost")
        https_port, http_port = free_port(), free_port()
        site = nginx_site(
            cert,
            key,
            {
                "server 127.0.0.1:8000;": f"server 127.0.0.1:{running.port};",
                "listen 80;": f"listen 127.0.0.1:{http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                # the test machine may have no IPv6
                "listen [::]:80;": "",
                "listen [::]:443 ssl http2;": "",
            },
        )
        # as root, nginx's workers would run as nobody, shut out of pytest's private directory
        main = nginx_main(conf, site, "worker_processes 1;\n" + ("user root;\n" * _is_root()))
        nginx = subprocess.Popen(
            [_program("nginx"), "-c", str(main), "-p", str(conf), "-e", str(conf / "error.log"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(https_port, nginx, conf / "error.log")
        yield Front(f"https://localhost:{https_port}", f"http://localhost:{http_port}", cert)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout(10))
        running.stop()


def _is_root() -> bool:
    return os.getuid() == 0


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout(20)
    while time.monotonic() < deadline:
        assert process.poll() is None, f"nginx exited:\n{log.read_text(errors='replace')}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nginx did not listen on {port}:\n{log.read_text(errors='replace')}")


def _client(base: str, cert: Path, address: str) -> httpx.AsyncClient:
    """An HTTPS client from one loopback address: nginx sees it as that client's address."""
    context = ssl.create_default_context(cafile=str(cert))
    transport = httpx.AsyncHTTPTransport(verify=context, local_address=address)
    return httpx.AsyncClient(base_url=base, transport=transport, timeout=timeout(10))


@pytest.mark.anyio
async def test_behind_the_shipped_nginx_a_board_opens_over_https_on_another_port(
    behind_nginx: Front,
) -> None:
    base, cert = behind_nginx.https, behind_nginx.cert
    async with httpx.AsyncClient(timeout=timeout(10)) as plain:
        redirect = await plain.get(f"{behind_nginx.http}/boards?x=1")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "https://localhost/boards?x=1"

    async with _client(base, cert, "127.0.0.1") as http:
        created = await http.post("/api/boards", json={"title": "Over TLS"})
        assert created.status_code == 201, created.text
        board = created.json()
        # Prometheus figures are not for the internet
        assert (await http.get("/metrics")).status_code == 403

    # the browser's Origin carries the port; nginx passes it on in Host ($http_host)
    context = ssl.create_default_context(cafile=str(cert))
    async with connect(
        f"wss://{base.removeprefix('https://')}/ws/boards/{board['id']}",
        ssl=context,
        origin=Origin(base),
        open_timeout=timeout(10),
    ) as ws:
        await ws.send(json.dumps({"type": "hello", "token": board["facilitator_token"]}))
        async with asyncio.timeout(timeout(10)):
            welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome


@pytest.mark.anyio
async def test_behind_the_shipped_nginx_a_code_guesser_does_not_lock_out_the_room(
    behind_nginx: Front,
) -> None:
    base, cert = behind_nginx.https, behind_nginx.cert
    async with (
        _client(base, cert, "127.0.0.1") as room,
        _client(base, cert, "127.0.0.2") as guesser,
    ):
        board = (await room.post("/api/boards", json={"title": "Guarded"})).json()
        # Each of the two workers checks two wrong codes from an address (join_guess_burst),
        # then refuses it: four 404s mean both have refused the guesser.
        # the kernel hands each new connection to whichever worker accepts first, so one
        # of them may take many in a row: enough tries for both to have had their share
        wrong = 0
        for n in range(300):
            answer = await guesser.post("/api/join", json={"code": f"ZZZZ-Z{n:03d}", "name": "X"})
            assert answer.status_code in (404, 429), answer.text
            wrong += answer.status_code == 404
            if wrong == 4:
                break
        assert wrong == 4, "the requests did not reach both workers"
        refused = await guesser.post("/api/join", json={"code": board["join_code"], "name": "X"})
        assert refused.status_code == 429, refused.text

        # the room's own address has guessed nothing: nginx told the server who is who
        joined = await room.post("/api/join", json={"code": board["join_code"], "name": "Anna"})
        assert joined.status_code == 200, joined.text


def test_the_nightly_backup_leaves_a_whole_dump_only_its_owner_can_read(
    tmp_path: Path, postgres_url: str
) -> None:
    # the service's own command line and umask, as systemd would run it (%% is a plain %)
    unit = (DEPLOY / "planche-backup.service").read_text()
    line = re.search(r"^ExecStart=(.*)$", unit, re.MULTILINE)
    umask = re.search(r"^UMask=([0-7]+)$", unit, re.MULTILINE)
    assert line, "deploy/planche-backup.service has no ExecStart"
    command = line[1].replace("%%", "%").replace("/var/backups/planche", str(tmp_path))
    asyncio.run(_create_schema(postgres_url))
    env = {**os.environ, "PLANCHE_DATABASE_URL": postgres_url}
    subprocess.run(
        shlex.split(command),
        env=env,
        umask=int(umask[1], 8) if umask else 0o022,  # systemd's default
        check=True,
        timeout=timeout(60),
    )

    (dump,) = tmp_path.glob("planche-*")
    assert dump.suffix == ".dump"  # renamed once whole
    assert dump.stat().st_mode & 0o777 == 0o600
    listing = subprocess.run(
        [_program("pg_restore"), "--list", str(dump)],
        capture_output=True, text=True, check=True, timeout=timeout(60),
    )  # fmt: skip
    assert "TABLE public boards" in listing.stdout


async def _create_schema(url: str) -> None:
    store = SqlStore(url)
    await store.open()  # migrates, as the first worker does
    await store.close()
