package org.atrium.broker.auth;

import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.atrium.provisioning.identity.Identity;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.tenant.TenantService;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Turns an identity the OIDC mechanism made from the provider's ID token into an Atrium caller: the
 * token names the tenant, roles and groups; the account is provisioned on first sign-in. It runs on
 * every request of an OIDC session, so a tenant removed in Atrium locks its users out at once.
 * Built-in identities pass through untouched.
 */
@ApplicationScoped
public class OidcIdentityAugmentor implements SecurityIdentityAugmentor {
    /** The sign-in page's message for a token naming a tenant Atrium does not know. */
    public static final String UNKNOWN_TENANT_PAGE = "/login.html?error=unknown-tenant";

    /** The sign-in page's message for a token Atrium cannot map to an account. */
    public static final String REFUSED_PAGE = "/login.html?error=oidc-refused";

    private static final Logger LOG = Logger.getLogger(OidcIdentityAugmentor.class);
    private static final Set<String> ATRIUM_ROLES =
            Set.of(
                    Role.USER.roleName(),
                    Role.TENANT_ADMIN.roleName(),
                    Role.PLATFORM_ADMIN.roleName());

    private final OidcSignInConfig config;
    private final TenantService tenants;
    private final IdentityService identities;

    public OidcIdentityAugmentor(
            OidcSignInConfig config, TenantService tenants, IdentityService identities) {
        this.config = config;
        this.tenants = tenants;
        this.identities = identities;
    }

    @Override
    public Uni<SecurityIdentity> augment(
            SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()
                || !(identity.getPrincipal() instanceof JsonWebToken token)
                || identity.getAttribute(CallerAttributes.USER_ID) != null) {
            return Uni.createFrom().item(identity);
        }
        return context.runBlocking(() -> toCaller(identity, token));
    }

    private SecurityIdentity toCaller(SecurityIdentity identity, JsonWebToken token) {
        String username = token.getName();
        Optional<String> tenantName = stringClaim(token, config.tenantClaim());
        if (tenantName.isEmpty()) {
            LOG.infof(
                    "OIDC sign-in of %s refused: the token has no %s claim",
                    username, config.tenantClaim());
            throw new AuthenticationRedirectException(302, UNKNOWN_TENANT_PAGE);
        }
        var tenant = tenants.findByName(tenantName.get());
        if (tenant.isEmpty()) {
            LOG.infof(
                    "OIDC sign-in of %s refused: tenant %s is not known to Atrium",
                    username, tenantName.get());
            throw new AuthenticationRedirectException(302, UNKNOWN_TENANT_PAGE);
        }
        List<Role> roles =
                strings(claimAt(token, config.rolesClaim())).stream()
                        .filter(ATRIUM_ROLES::contains)
                        .map(Role::fromName)
                        .toList();
        List<String> groups = strings(token.getClaim(config.groupsClaim()));
        Identity account;
        try {
            account =
                    identities.signInExternal(
                            tenant.get().id,
                            token.getIssuer() + "|" + token.getSubject(),
                            username,
                            roles,
                            groups);
        } catch (IllegalArgumentException e) {
            LOG.infof("OIDC sign-in of %s refused: %s", username, e.getMessage());
            throw new AuthenticationRedirectException(302, REFUSED_PAGE);
        }
        // A fresh identity so only Atrium's roles count (the provider adds its own, such as
        // offline_access); principal, credentials and attributes stay for the OIDC session.
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addRoles(account.roles())
                .addAttribute(CallerAttributes.USER_ID, account.userId())
                .addAttribute(CallerAttributes.TENANT_ID, account.tenantId())
                .addAttribute(CallerAttributes.GROUPS, Set.copyOf(account.groups()))
                .build();
    }

    private static Optional<String> stringClaim(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        String text = value == null ? null : text(value);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    /** The claim at a path such as {@code realm_access/roles}. */
    private static Object claimAt(JsonWebToken token, String path) {
        String[] names = path.split("/");
        Object value = token.getClaim(names[0]);
        for (String name : Arrays.copyOfRange(names, 1, names.length)) {
            if (value instanceof JsonObject object) {
                value = object.get(name);
            } else if (value instanceof Map<?, ?> map) {
                value = map.get(name);
            } else {
                return null;
            }
        }
        return value;
    }

    /** The strings of a claim that is a JSON array, a collection or one string. */
    private static List<String> strings(Object claim) {
        var out = new ArrayList<String>();
        if (claim instanceof Iterable<?> values) {
            for (Object value : values) {
                out.add(text(value));
            }
        } else if (claim != null) {
            out.add(text(claim));
        }
        return out;
    }

    /** A claim value as text; JSON-P strings would print with their quotes. */
    private static String text(Object value) {
        return value instanceof JsonString string ? string.getString() : value.toString();
    }
}
