// A real OpenID Connect provider (the certified `oidc-provider`) for Planche's sign-in tests:
// never deployed. tests/oidc_provider.py starts it on a free port:
//
//   node provider.mjs PORT REDIRECT_BASE [REDIRECT_BASE ...]
//
// Each REDIRECT_BASE (http://127.0.0.1:8123) is a Planche server whose /auth/callback and /
// the test clients accept. Its login form is the package's devInteractions: any account id
// below, any password. The client `planche-brief` gets ID tokens that expire after
// PLANCHE_TEST_BRIEF_TTL seconds, for the test of a session that ends with its token.
import Provider from "oidc-provider";

const [port, ...bases] = process.argv.slice(2);
const briefTtl = Number(process.env.PLANCHE_TEST_BRIEF_TTL || "5");

// users in the allowed group, outside it, and one allowed by the domain of their e-mail
const ACCOUNTS = {
  ada: { name: "Ada Lund", email: "ada@kommune.example", groups: ["planche-facilitators"] },
  bo: { name: "Bo Berg", email: "bo@elsewhere.example", groups: ["citizens"] },
  dina: { name: "Dina Holm", email: "dina@skole.example", groups: [] },
};

const client = (clientId) => ({
  client_id: clientId,
  client_secret: "test-secret-of-" + clientId,
  grant_types: ["authorization_code"],
  response_types: ["code"],
  redirect_uris: bases.map((base) => `${base}/auth/callback`),
  post_logout_redirect_uris: bases.map((base) => `${base}/`),
});

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [client("planche"), client("planche-brief")],
  cookies: { keys: ["a test key, not a secret"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "groups"],
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  // a first-party application: the organisation consented for its users, so no consent page
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  pkce: { required: () => true }, // Planche must send S256 PKCE
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: {
    IdToken: (ctx, token, c) => (c.clientId === "planche-brief" ? briefTtl : 3600),
    AccessToken: 3600, // Planche's session follows the ID token, never the access token
    Session: 3600,
    Grant: 3600,
    Interaction: 600,
  },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`listening on ${port}`));
