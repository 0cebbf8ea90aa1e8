"""Every server setting, declared once.

Each `Setting` gives a CLI flag (`--database-url`) and an environment variable
(`PLANCHE_DATABASE_URL`); a flag wins over the variable, the variable over the default.
`docs/settings.md` lists them all, and a test checks that it does.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from server.exceptions import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "PLANCHE_" + self.name.upper()


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())


def _database_url(value: str) -> str:
    scheme = value.partition(":")[0].partition("+")[0]
    if scheme not in ("sqlite", "postgresql"):
        raise ValueError(f"the scheme {scheme!r} is not supported; use sqlite:/// or postgresql://")
    path, _, query = value.partition("://")[2].partition("?")
    if scheme == "sqlite" and ("uri=true" in query.lower() or path.lstrip("/").startswith("file:")):
        # SQLite's own URI filenames would be taken for a path and make a `file:` directory
        raise ValueError("SQLite URI filenames (file:...) are not supported; use sqlite:///PATH")
    return value


def _bool(value: str) -> bool:
    if value.lower() in ("true", "yes", "on", "1"):
        return True
    if value.lower() in ("false", "no", "off", "0"):
        return False
    raise ValueError("true or false")


def _redis_url(value: str) -> str:
    if value and value.partition(":")[0] not in ("redis", "rediss", "unix"):
        raise ValueError("use redis://HOST:PORT/DB (or rediss:// with TLS)")
    return value


def _log_format(value: str) -> str:
    if value not in ("text", "json"):
        raise ValueError("text or json")
    return value


def _directory(value: str) -> str:
    if value and not Path(value).is_dir():
        raise ValueError("there is no directory by that name")
    return value


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a whole number above 0")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be a number above 0")
    return number


def _facilitators(value: str) -> str:
    if value not in ("open", "invite", "oidc"):
        raise ValueError("open, invite or oidc")
    return value


def _url(value: str) -> str:
    if value and not value.startswith(("https://", "http://")):
        raise ValueError("give a URL that starts with https://")
    return value.rstrip("/")


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _domains(value: str) -> tuple[str, ...]:
    return tuple(d.lower().lstrip("@") for d in _list(value))


T = TypeVar("T")


def setting(default: T, parse: Callable[[str], T], help: str) -> T:
    """A field of `Config` that is also a flag and a variable (see `SETTINGS`)."""
    return field(default=default, metadata={"parse": parse, "help": help})


@dataclass(frozen=True)
class Config:
    """Every setting: its type, default, parser and help, declared once."""

    host: str = setting("127.0.0.1", str, "Address to listen on; 0.0.0.0 for every interface.")
    port: int = setting(8000, _positive_int, "TCP port to listen on.")
    database_url: str = setting(
        "sqlite:///planche.db",
        _database_url,
        "Where boards are stored: sqlite:///PATH (the embedded default) or "
        "postgresql://USER:PASSWORD@HOST:PORT/DB.",
    )
    migrate_at_start: bool = setting(
        True,
        _bool,
        "Bring the database schema up to date when the server starts; false: refuse to start "
        "on an old schema, for operators who run `planche migrate` themselves.",
    )
    redis_url: str = setting(
        "",
        _redis_url,
        "Redis that carries ops between workers: redis://HOST:PORT/DB. Empty: the in-process "
        "broker, one worker only.",
    )
    workers: int = setting(
        1,
        _positive_int,
        "Server processes sharing the port; more than one needs --redis-url.",
    )
    allowed_origins: tuple[str, ...] = setting(
        (),
        _origins,
        "Comma-separated origins (https://board.example.org) allowed to open WebSockets "
        "besides the server's own; same origin only when empty.",
    )
    log_level: str = setting("info", str, "Logging level: debug, info, warning or error.")
    log_format: str = setting("text", _log_format, "Logs as plain text lines or as JSON lines.")
    resume_max_ops: int = setting(
        1000,
        _positive_int,
        "A client further behind than this many ops gets the whole state instead of the ops.",
    )
    people_list_max: int = setting(
        30,
        _positive_int,
        "Above this many people on a board, pages show how many are here (per group while "
        "groups work) instead of their names.",
    )
    crowd_threshold: int = setting(
        100,
        _positive_int,
        "Above this many people on a board, presence names the facilitators only, with no "
        "cursors or typing lines, beside the counts, and goes out at most once a second.",
    )
    snapshot_every: int = setting(
        500,
        _positive_int,
        "Save a snapshot of a board every this many ops, so it loads without a long replay.",
    )
    send_queue_max: int = setting(
        1000,
        _positive_int,
        "Messages waiting for one slow connection before it is closed (it then resumes).",
    )
    op_rate: float = setting(
        50.0,
        _positive_float,
        "Ops per second one connection may send, sustained; more are refused with "
        "rate_limited (the client sends them again a moment later).",
    )
    op_burst: int = setting(
        200,
        _positive_int,
        "Ops one connection may send at once before op_rate applies.",
    )
    hello_timeout: float = setting(
        10.0,
        _positive_float,
        "Seconds a new WebSocket has to send its hello.",
    )
    join_guess_burst: int = setting(
        60,
        _positive_int,
        "Wrong join codes one address may try at once, sized for a meeting room behind one "
        "router whose people mistype; right codes never count. Beyond it, no code from that "
        "address is checked (429) until the budget refills.",
    )
    join_guesses_per_minute: float = setting(
        3.0,
        _positive_float,
        "How fast an address's wrong-code budget refills, in codes per minute.",
    )
    join_guesses_per_day: int = setting(
        1000,
        _positive_int,
        "Wrong join codes one address may try a day, however it spreads them; with the code "
        "length this bounds how fast codes can be guessed (docs/security.md).",
    )
    joins_per_code_per_minute: int = setting(
        120,
        _positive_int,
        "Joins one board's code takes per minute before further joins get 429 for a moment.",
    )
    boards_per_address_per_hour: int = setting(
        1000,
        _positive_int,
        "Boards, imports and learning networks one address may create per hour; more get 429.",
    )
    connections_per_address: int = setting(
        200,
        _positive_int,
        "Open WebSockets one client address may hold; more are refused with HTTP 429. A "
        "meeting room behind one router shares an address, hence the generous default.",
    )
    header_timeout: float = setting(
        10.0,
        _positive_float,
        "Seconds a client has to send a whole request line and headers; a connection that "
        "sends them slower is closed.",
    )
    records_per_board: int = setting(
        200,
        _positive_int,
        "Named records (snapshots) one board may keep; more are refused with 409.",
    )
    records_per_minute: int = setting(
        10,
        _positive_int,
        "Records one board may save per minute; more get 429 for a moment.",
    )
    allowed_hosts: tuple[str, ...] = setting(
        (),
        _origins,
        "Comma-separated host names (board.example.org) the server answers to; a request or "
        "WebSocket with another Host header is refused (against DNS rebinding). Empty: "
        "localhost, 127.0.0.1 and ::1 only while --host is a loopback address and no proxy is"
        " trusted (--forwarded-allow-ips), any host otherwise; set it behind a proxy too.",
    )
    ping_interval: float = setting(
        15.0,
        _positive_float,
        "Seconds between the server's WebSocket pings.",
    )
    ping_timeout: float = setting(
        15.0,
        _positive_float,
        "Seconds a client has to answer a ping before its connection is closed; with "
        "ping_interval, a dead connection is dropped within 30 s.",
    )
    forwarded_allow_ips: str = setting(
        "",
        str,
        "Comma-separated addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-"
        "Proto are believed (127.0.0.1 for nginx on the same host). Empty: none; then every "
        "client behind a proxy has the proxy's address.",
    )
    retention_days: int = setting(
        180,
        _positive_int,
        "Days after a board's last change when it is deleted with everything it holds (ops, "
        "snapshots, records, participants); a facilitator may set another time per board.",
    )
    methods_dir: str = setting(
        "",
        _directory,
        "A directory of your own method files (*.toml), added to the built-in catalogue; "
        "check them first with `planche methods check DIR`.",
    )
    facilitators: str = setting(
        "open",
        _facilitators,
        "Who may create boards and learning networks: open (anyone who reaches the server), "
        "invite (whoever gives invite_code) or oidc (whoever signs in through oidc_issuer and"
        " is in an allowed group or e-mail domain).",
    )
    invite_code: str = setting(
        "",
        str,
        "The secret code that facilitators type on the start page (API clients send it in the"
        " X-Planche-Invite header). Needed with facilitators=invite; with oidc it also lets a"
        " script create boards without signing in.",
    )
    oidc_issuer: str = setting("", _url, "The OpenID Connect provider's issuer URL.")
    oidc_client_id: str = setting("", str, "Planche's client id at the provider.")
    oidc_client_secret: str = setting("", str, "Planche's client secret at the provider.")
    oidc_groups_claim: str = setting(
        "groups",
        str,
        "The claim of the ID token or userinfo that lists the user's groups.",
    )
    oidc_allowed_groups: tuple[str, ...] = setting(
        (),
        _list,
        "Comma-separated groups (names or ids, as the groups claim gives them) whose members "
        "may facilitate.",
    )
    oidc_allowed_domains: tuple[str, ...] = setting(
        (),
        _domains,
        "Comma-separated e-mail domains (kommune.dk) whose users may facilitate.",
    )
    oidc_redirect_base: str = setting(
        "",
        _url,
        "The address users reach Planche at (https://board.example.org); the redirect URI "
        "registered at the provider is this plus /auth/callback. Empty: the request's own.",
    )
    session_secret: str = setting(
        "",
        str,
        "The key that signs the sign-in cookie. Empty: a random key kept in the file planche-"
        "session.key beside the SQLite database (in the working directory with Postgres); set"
        " it when several hosts serve one Planche.",
    )
    session_max_age: int = setting(
        28800,
        _positive_int,
        "Seconds a sign-in lasts at most; it ends sooner when the provider's ID token expires.",
    )
    suggest_url: str = setting(
        "",
        _url,
        "An OpenAI-compatible endpoint (http://127.0.0.1:11434/v1) that suggests groups from"
        " embeddings instead of the built-in engine; the texts of the notes being grouped are"
        " sent there. Empty: the built-in engine, nothing leaves the server.",
    )
    suggest_model: str = setting(
        "", str, "The embedding model to ask at suggest_url (for example bge-m3)."
    )
    suggest_chat_model: str = setting(
        "",
        str,
        "A chat model at suggest_url that names the suggested groups; empty: groups are named"
        " by their notes' most distinctive words.",
    )


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.default, f.metadata["parse"], f.metadata["help"]) for f in fields(Config)
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for s in SETTINGS:
        parser.add_argument(s.flag, dest=s.name, default=None, help=f"{s.help} [{s.env}]")


def load(args: Mapping[str, str | None], environ: Mapping[str, str] = os.environ) -> Config:
    """The config from CLI values (None where not given), then the environment, then defaults."""
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = args.get(s.name)
        source = s.flag
        if raw is None:
            raw, source = environ.get(s.env), s.env
        if raw is None:
            continue
        try:
            values[s.name] = s.parse(raw)
        except ValueError as e:
            raise ConfigError(f"{source}={raw!r} is not usable: {e}") from None
    config = Config(**values)
    if config.workers > 1 and not config.redis_url:
        raise ConfigError(
            f"--workers {config.workers} needs --redis-url: without Redis each worker would only "
            "see the ops of its own clients."
        )
    _check_facilitators(config)
    return config


def _check_facilitators(config: Config) -> None:
    """The settings that facilitators=invite or oidc cannot do without."""
    if config.facilitators == "invite" and not config.invite_code:
        raise ConfigError("--facilitators invite needs --invite-code: the code to ask for.")
    if config.facilitators != "oidc":
        return
    missing = [
        s.flag
        for s in SETTINGS
        if s.name in ("oidc_issuer", "oidc_client_id", "oidc_client_secret")
        and not getattr(config, s.name)
    ]
    if missing:
        raise ConfigError(f"--facilitators oidc needs {', '.join(missing)}.")
    if not config.oidc_allowed_groups and not config.oidc_allowed_domains:
        raise ConfigError(
            "--facilitators oidc needs --oidc-allowed-groups or --oidc-allowed-domains: "
            "otherwise anyone with an account at the provider could facilitate."
        )
