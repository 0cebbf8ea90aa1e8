"""Sign-in through the organisation's OpenID Connect provider (facilitators=oidc).

Authlib runs the authorization code flow with state, nonce and PKCE (S256); the session
cookie (Starlette's, signed with `session_secret`) then holds only who signed in and until
when: never a token. The session ends when the provider's ID token expires (or after
`session_max_age`), and at logout, which also ends the provider's session when it has an
end_session_endpoint.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy.engine import make_url
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.config import Config
from server.store.base import Owner

if TYPE_CHECKING:
    from authlib.integrations.starlette_client import StarletteOAuth2App

log = logging.getLogger("planche.auth")
SESSION_COOKIE = "planche_session"
KEY_FILE = "planche-session.key"
# what the start page tells after a sign-in that did not end signed in
NOTICES = ("refused", "expired", "failed")


@dataclass(frozen=True)
class User:
    owner: Owner
    name: str
    email: str


class SignIn:
    """The provider as Planche's client knows it; one per app."""

    def __init__(self, config: Config) -> None:
        # Authlib (with its JOSE and X.509 modules) is a fifth of the server's start-up:
        # imported only where sign-in is on, so that a restart after a crash is that much
        # sooner back for everyone else
        from authlib.integrations.starlette_client import OAuth

        self.config = config
        oauth = OAuth()
        self.client: StarletteOAuth2App = oauth.register(
            "provider",
            client_id=config.oidc_client_id,
            client_secret=config.oidc_client_secret,
            server_metadata_url=f"{config.oidc_issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )

    def base(self, request: Request) -> str:
        return self.config.oidc_redirect_base or str(request.base_url).rstrip("/")


def provider_errors(*more: type[Exception]) -> tuple[type[Exception], ...]:
    """What a provider that does not answer, or answers wrongly, raises (and `more`)."""
    from authlib.integrations.starlette_client import OAuthError
    from httpx2 import HTTPError

    return (HTTPError, OAuthError, ValueError, *more)


def sign_in_of(connection: HTTPConnection) -> SignIn | None:
    found: SignIn | None = getattr(connection.app.state, "sign_in", None)
    return found


def session_key(config: Config) -> str:
    """The key that signs session cookies: the setting, else one kept in a file beside the
    SQLite database (the working directory with Postgres), made once by whichever worker
    starts first."""
    if config.session_secret:
        return config.session_secret
    url = make_url(config.database_url)
    folder = Path(url.database or ".").parent if url.get_backend_name() == "sqlite" else Path()
    path = folder / KEY_FILE
    if not path.exists():
        draft = folder / f".{KEY_FILE}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # fails if another worker was first: then theirs counts
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


class Sessions:
    """Starlette's signed-cookie sessions; the cookie is Secure when the request came over
    HTTPS (as a trusted proxy says), HttpOnly and SameSite=Lax always."""

    def __init__(self, app: ASGIApp, secret: str, max_age: int) -> None:
        options: dict[str, Any] = {
            "secret_key": secret,
            "session_cookie": SESSION_COOKIE,
            "max_age": max_age,
            "same_site": "lax",
        }
        self.plain = SessionMiddleware(app, https_only=False, **options)
        self.secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chosen = self.secure if scope.get("scheme") in ("https", "wss") else self.plain
        await chosen(scope, receive, send)


def signed_in(connection: HTTPConnection) -> User | None:
    """Who is signed in, if anyone; a session past its time ends here."""
    if "session" not in connection.scope:
        return None
    data = connection.session.get("user")
    if not data:
        return None
    if data["until"] <= time.time():
        connection.session.pop("user")
        connection.session["notice"] = "expired"
        return None
    return User(Owner(data["iss"], data["sub"]), data["name"], data["email"])


def page_context(request: Request) -> dict[str, Any]:
    """What every page template knows about signing in (a Jinja2 context processor)."""
    config: Config | None = getattr(getattr(request.app.state, "services", None), "config", None)
    mode = config.facilitators if config else "open"
    user = signed_in(request)
    notice = request.session.pop("notice", None) if "session" in request.scope else None
    return {"facilitators": mode, "user": user, "notice": notice}


def allowed(claims: dict[str, Any], config: Config) -> bool:
    """In an allowed group, or with a verified e-mail address in an allowed domain."""
    groups = claims.get(config.oidc_groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    if set(map(str, groups)) & set(config.oidc_allowed_groups):
        return True
    email = str(claims.get("email") or "")
    domain = email.rpartition("@")[2].lower()
    verified = claims.get("email_verified") is not False  # Entra ID does not send it
    return bool(email) and verified and domain in config.oidc_allowed_domains


async def login(request: Request) -> Response:
    sign_in = sign_in_of(request)
    if sign_in is None:
        return RedirectResponse("/", status_code=303)
    try:
        redirect: Response = await sign_in.client.authorize_redirect(
            request, f"{sign_in.base(request)}/auth/callback"
        )
    except provider_errors() as e:
        log.warning("sign-in could not start: the provider does not answer: %s", e)
        request.session["notice"] = "failed"
        return RedirectResponse("/", status_code=303)
    return redirect


async def callback(request: Request) -> Response:
    sign_in = sign_in_of(request)
    if sign_in is None:
        return RedirectResponse("/", status_code=303)
    try:
        token = await sign_in.client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        metadata = await sign_in.client.load_server_metadata()
        if metadata.get("userinfo_endpoint"):
            # Keycloak and oidc-provider give groups and e-mail here rather than in the ID token
            extra = dict(await sign_in.client.userinfo(token=token))
            if extra.get("sub") == claims.get("sub"):
                claims = {**extra, **claims}
    except provider_errors(KeyError) as e:
        log.warning("sign-in failed: %s", e)
        request.session["notice"] = "failed"
        return RedirectResponse("/", status_code=303)
    if not allowed(claims, sign_in.config):
        log.info("refused sign-in of %s: not in an allowed group or domain", claims.get("sub"))
        request.session["notice"] = "refused"
        return RedirectResponse("/", status_code=303)
    until = min(float(claims["exp"]), time.time() + sign_in.config.session_max_age)
    request.session["user"] = {
        "iss": str(claims["iss"]),
        "sub": str(claims["sub"]),
        "name": str(claims.get("name") or claims.get("preferred_username") or ""),
        "email": str(claims.get("email") or ""),
        "until": until,
    }
    return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    """Ends Planche's session; answers where the page goes next: the provider's
    end_session_endpoint where it has one (to end its session too), else the start page.
    The page navigates there itself: the CSP's form-action would stop a form's redirect."""
    sign_in = sign_in_of(request)
    if "session" in request.scope:
        request.session.clear()
    end = None
    if sign_in is not None:
        try:
            end = (await sign_in.client.load_server_metadata()).get("end_session_endpoint")
        except provider_errors() as e:
            log.warning("logout: the provider does not answer; only Planche's session ended: %s", e)
    if sign_in is None or not end:
        return JSONResponse({"redirect": "/"})
    query = urlencode(
        {
            "client_id": sign_in.config.oidc_client_id,
            "post_logout_redirect_uri": f"{sign_in.base(request)}/",
        }
    )
    return JSONResponse({"redirect": f"{end}?{query}"})
