package dev.trellis.coordinator.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The relying-party side of an OpenID Connect login: the authorization code flow with PKCE
 * (S256), state and nonce. The provider is discovered once, at start; its signing keys are
 * fetched from its JWKS when first needed, cached, and fetched again (rate-limited) when a token
 * names a key id not in the cache, so key rotation needs no restart.
 */
final class OidcLogin {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.login");
    static final Duration STATE_TTL = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 10_000;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    private final LoginConfig.Oidc config;
    private final OIDCProviderMetadata metadata;
    private final ClientAuthentication clientAuth;
    private final IDTokenValidator validator;
    private final OidcStates states;

    private OidcLogin(LoginConfig.Oidc config, OIDCProviderMetadata metadata, ClientAuthentication clientAuth,
            IDTokenValidator validator, Clock clock) {
        this.config = config;
        this.metadata = metadata;
        this.clientAuth = clientAuth;
        this.validator = validator;
        this.states = new OidcStates(MAX_PENDING, STATE_TTL, clock);
    }

    /**
     * Reads the provider's configuration and checks that it can do what we need.
     *
     * @throws LoginSetupException if it can't be read or does not fit, saying why
     */
    static OidcLogin discover(LoginConfig.Oidc config, Clock clock) {
        Issuer issuer = new Issuer(config.issuer());
        String where = config.issuer() + "/.well-known/openid-configuration";
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.resolve(issuer, CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
        } catch (IOException e) {
            throw new LoginSetupException("cannot reach the OpenID provider's discovery document " + where + ": "
                    + e.getMessage() + "; check the issuer URL and that the coordinator can reach it", e);
        } catch (GeneralException e) {
            throw new LoginSetupException("the OpenID provider's discovery document " + where + " is unusable: "
                    + e.getMessage() + "; check the issuer URL (it must equal the document's \"issuer\" exactly)", e);
        }
        if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null
                || metadata.getJWKSetURI() == null) {
            throw new LoginSetupException("the OpenID provider at " + config.issuer()
                    + " names no authorization endpoint, token endpoint or jwks_uri; it can't be used for login");
        }
        if (metadata.getResponseTypes() != null && !metadata.getResponseTypes().contains(ResponseType.CODE)) {
            throw new LoginSetupException("the OpenID provider at " + config.issuer()
                    + " does not offer the authorization code flow (response_type code)");
        }
        if (metadata.getCodeChallengeMethods() != null
                && !metadata.getCodeChallengeMethods().contains(CodeChallengeMethod.S256)) {
            LOG.log(Level.WARNING, "the OpenID provider at " + config.issuer()
                    + " does not list PKCE S256; sending it anyway (providers that don't know it ignore it)");
        }
        ClientAuthentication auth = clientAuthentication(config, metadata);
        Set<JWSAlgorithm> algorithms = signingAlgorithms(config, metadata);
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, JWKS_SIZE_LIMIT))
                    .refreshAheadCache(false) // no background threads; a miss refreshes on the spot
                    .retrying(true)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new LoginSetupException("the OpenID provider's jwks_uri is not a URL: " + metadata.getJWKSetURI(), e);
        }
        IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(), new ClientID(config.clientId()),
                new JWSVerificationKeySelector<>(algorithms, keys), null);
        LOG.log(Level.INFO, "OIDC login through " + metadata.getIssuer() + " as client " + config.clientId()
                + " (redirect URI " + config.redirectUri() + ")");
        return new OidcLogin(config, metadata, auth, validator, clock);
    }

    /** The issuer as the provider spells it (and as its tokens carry it). */
    String issuer() {
        return metadata.getIssuer().getValue();
    }

    LoginConfig.Oidc config() {
        return config;
    }

    /** Where to send the browser to log in for auth request {@code requestId}; remembers the state. */
    URI authorizationUrl(String requestId, String browser) {
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        String state = states.put(requestId, nonce, verifier, browser);
        return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope(config.scopes().toArray(String[]::new)),
                new ClientID(config.clientId()), config.redirectUri())
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(new State(state))
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Takes the login with {@code state}, which must have been started by {@code browser}. */
    OidcStates.Pending take(String state, String browser) throws LoginError {
        OidcStates.Pending p = states.take(state).orElseThrow(() -> new LoginError(400, "Login attempt not found",
                "This login attempt is unknown to the coordinator, was already finished, or took longer than "
                        + STATE_TTL.toMinutes() + " minutes.",
                "Open the login link from the device again; if it has expired, run `trellis login` again."));
        if (browser == null || !MessageDigest.isEqual(browser.getBytes(StandardCharsets.US_ASCII),
                p.browser().getBytes(StandardCharsets.US_ASCII))) {
            throw new LoginError(400, "Login started elsewhere",
                    "This login was started in another browser (or this browser refuses cookies).",
                    "Open the login link from the device in this browser, with cookies allowed.");
        }
        return p;
    }

    /** Exchanges the code for tokens and returns the ID token's verified claims. */
    OidcUsers.Identity exchange(OidcStates.Pending p, String code) throws LoginError {
        TokenRequest request = new TokenRequest.Builder(metadata.getTokenEndpointURI(), clientAuth,
                new AuthorizationCodeGrant(new AuthorizationCode(code), config.redirectUri(), p.verifier())).build();
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(CONNECT_TIMEOUT_MS);
        http.setReadTimeout(READ_TIMEOUT_MS);
        TokenResponse response;
        try {
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "OIDC token endpoint " + metadata.getTokenEndpointURI() + " unreachable: "
                    + e.getMessage());
            throw providerFailure("The coordinator could not reach the identity provider to finish the login.");
        } catch (ParseException e) {
            LOG.log(Level.WARNING, "OIDC token endpoint answered something unreadable: " + safe(e.getMessage()));
            throw providerFailure("The identity provider's answer could not be read.");
        }
        if (response instanceof TokenErrorResponse error) {
            var object = error.getErrorObject();
            LOG.log(Level.WARNING, "OIDC token endpoint refused the code: " + (object == null ? "no error given"
                    : safe(object.getCode()) + " (" + safe(object.getDescription()) + ", HTTP "
                            + object.getHTTPStatusCode() + ")"));
            throw providerFailure("The identity provider refused to finish the login"
                    + (object == null || object.getCode() == null ? "." : " (" + safe(object.getCode()) + ")."));
        }
        JWT idToken = response instanceof OIDCTokenResponse oidc ? oidc.getOIDCTokens().getIDToken() : null;
        if (idToken == null) {
            LOG.log(Level.WARNING, "OIDC token response holds no ID token; is the openid scope granted?");
            throw providerFailure("The identity provider sent no ID token.");
        }
        IDTokenClaimsSet claims;
        try {
            claims = validator.validate(idToken, p.nonce());
        } catch (BadJOSEException | JOSEException e) {
            LOG.log(Level.WARNING, "OIDC ID token rejected: " + safe(e.getMessage()));
            throw providerFailure("The identity provider's ID token did not pass verification.");
        }
        Boolean verified = claims.getBooleanClaim("email_verified");
        return new OidcUsers.Identity(issuer(), claims.getSubject().getValue(), claims.getStringClaim("email"),
                Boolean.TRUE.equals(verified), claims.getStringClaim("preferred_username"), claims.getStringClaim("name"));
    }

    /** A refusal the provider sent back instead of a code ({@code error} in the callback). */
    static LoginError providerRefused(String error, String description) {
        String what = safe(error) + (description == null || description.isBlank() ? "" : ": " + safe(description));
        return new LoginError("access_denied".equals(error) ? 403 : 502, "Login refused",
                "The identity provider did not log you in (" + what + ").", Pages.NEXT_STEP);
    }

    private static LoginError providerFailure(String what) {
        return new LoginError(502, "Login failed at the identity provider", what,
                "Try again in a moment: open the login link from the device again, or run `trellis login` again.");
    }

    /** Provider-sent text for a page or log line: printable and short. */
    static String safe(String text) {
        String printable = text == null ? "" : text.replaceAll("[\\p{Cntrl}`]", " ");
        return printable.length() > 200 ? printable.substring(0, 200) + "…" : printable;
    }

    private static ClientAuthentication clientAuthentication(LoginConfig.Oidc config, OIDCProviderMetadata metadata) {
        ClientID id = new ClientID(config.clientId());
        Secret secret = new Secret(config.clientSecret());
        List<ClientAuthenticationMethod> offered = metadata.getTokenEndpointAuthMethods();
        if (offered == null || offered.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
            return new ClientSecretBasic(id, secret); // the default when a provider lists none
        }
        if (offered.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return new ClientSecretPost(id, secret);
        }
        throw new LoginSetupException("the OpenID provider at " + config.issuer() + " accepts only " + offered
                + " at its token endpoint; Trellis authenticates with a client secret (client_secret_basic or"
                + " client_secret_post)");
    }

    private static Set<JWSAlgorithm> signingAlgorithms(LoginConfig.Oidc config, OIDCProviderMetadata metadata) {
        List<JWSAlgorithm> offered = metadata.getIDTokenJWSAlgs();
        if (offered == null || offered.isEmpty()) {
            return Set.of(JWSAlgorithm.RS256); // the algorithm every provider must support
        }
        // Public-key signatures only: HMAC would make the client secret a signing key, and "none"
        // is no signature at all.
        Set<JWSAlgorithm> usable = new LinkedHashSet<>(offered);
        usable.retainAll(JWSAlgorithm.Family.SIGNATURE);
        if (usable.isEmpty()) {
            throw new LoginSetupException("the OpenID provider at " + config.issuer() + " signs ID tokens only with "
                    + offered + "; Trellis needs a public-key algorithm such as RS256 or ES256");
        }
        return usable;
    }
}
