"""The test OpenID Connect provider (provider.mjs, the npm package oidc-provider) as a real
process on a free port, for the Planche servers whose addresses it is given."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import free_port, timeout, wait_until_answers

HERE = Path(__file__).resolve().parent
ALLOWED_GROUP = "planche-facilitators"
ALLOWED_DOMAIN = "skole.example"


class OidcProvider:
    def __init__(self, planche_urls: list[str], brief_ttl: float = 5.0) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.planche_urls = planche_urls
        self.brief_ttl = brief_ttl
        self.log_path = HERE.parent.parent / "test-artifacts" / f"oidc-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("the test provider is not installed: run scripts/test (npm ci)")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PLANCHE_TEST_BRIEF_TTL": str(int(self.brief_ttl))}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [node, "provider.mjs", str(self.port), *self.planche_urls],
                cwd=HERE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        url = self.issuer + "/.well-known/openid-configuration"
        wait_until_answers(url, self.process, self.log_path.read_text, "the provider")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout(10))

    def planche_args(self, client_id: str = "planche") -> tuple[str, ...]:
        """The serve flags of a Planche server that signs in through this provider."""
        return (
            *("--facilitators", "oidc"),
            *("--oidc-issuer", self.issuer),
            *("--oidc-client-id", client_id),
            *("--oidc-client-secret", f"test-secret-of-{client_id}"),
            *("--oidc-allowed-groups", ALLOWED_GROUP),
            *("--oidc-allowed-domains", ALLOWED_DOMAIN),
        )
