package org.atrium.provisioning.identity;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Built-in accounts: creation, password checks and lockout after repeated failures. */
@ApplicationScoped
public class IdentityService {
    private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9._@-]{2,100}");

    private final UserAccountRepository accounts;
    private final IdentityConfig config;
    private final PasswordHasher hasher;
    // Hashed against when the user does not exist, so timing does not reveal which names exist.
    private final String decoyHash;

    public IdentityService(UserAccountRepository accounts, IdentityConfig config) {
        this.accounts = accounts;
        this.config = config;
        this.hasher = new PasswordHasher(config.passwordIterations());
        this.decoyHash = hasher.hash(UUID.randomUUID().toString());
    }

    @Transactional
    public Identity createUser(
            UUID tenantId,
            String username,
            String password,
            Collection<Role> roles,
            Collection<String> groups) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException(
                    "user name must be 2-100 letters, digits or . _ @ -, got " + username);
        }
        if (password == null || password.length() < 12) {
            throw new IllegalArgumentException("password must have at least 12 characters");
        }
        if (accounts.usernameTaken(username)) {
            throw new IllegalArgumentException("user name " + username + " is taken");
        }
        var account = new UserAccount();
        account.id = UUID.randomUUID();
        account.tenantId = tenantId;
        account.username = username;
        account.passwordHash = hasher.hash(password);
        account.roles = roles.stream().map(Role::roleName).distinct().toArray(String[]::new);
        account.groups = groups.stream().distinct().toArray(String[]::new);
        account.createdAt = Instant.now();
        accounts.persist(account);
        return identityOf(account);
    }

    /**
     * Checks a password. A locked account refuses even the right password until the lock expires;
     * each wrong password counts, and the configured number in a row locks the account.
     *
     * <p>Runs in three steps so that no transaction, and no pooled database connection, is held
     * while the password is hashed (a tenth of a CPU second at the default work factor): read the
     * account, hash outside any transaction, then count the outcome in a transaction that locks the
     * account's row, so concurrent wrong passwords each count and a lock set meanwhile wins. Call
     * it outside a transaction.
     */
    public SignInResult signIn(String username, String password) {
        String name = username == null ? "" : username;
        String given = password == null ? "" : password;
        Candidate candidate =
                QuarkusTransaction.requiringNew()
                        .call(() -> accounts.findByUsername(name).map(Candidate::of).orElse(null));
        if (candidate == null) {
            hasher.matches(given, decoyHash);
            return new SignInResult.Refused("unknown user " + name, false, null);
        }
        if (candidate.passwordHash() == null) {
            hasher.matches(given, decoyHash);
            return new SignInResult.Refused(
                    "account " + name + " signs in through its identity provider",
                    false,
                    candidate.tenantId());
        }
        if (candidate.lockedAt(Instant.now())) {
            return new SignInResult.Refused(
                    "account " + name + " locked until " + candidate.lockedUntil(),
                    true,
                    candidate.tenantId());
        }
        boolean matched = hasher.matches(given, candidate.passwordHash());
        return QuarkusTransaction.requiringNew().call(() -> settle(name, candidate, matched));
    }

    /** Counts a checked password against the account as it is now, its row locked. */
    private SignInResult settle(String name, Candidate candidate, boolean matched) {
        var found = accounts.findForSignIn(name);
        if (found.isEmpty()
                || !found.get().id.equals(candidate.id())
                || !candidate.passwordHash().equals(found.get().passwordHash)) {
            return new SignInResult.Refused(
                    "account " + name + " changed during sign-in", false, candidate.tenantId());
        }
        var account = found.get();
        Instant now = Instant.now();
        if (account.lockedUntil != null && account.lockedUntil.isAfter(now)) {
            return new SignInResult.Refused(
                    "account " + name + " locked until " + account.lockedUntil,
                    true,
                    account.tenantId);
        }
        if (!matched) {
            account.failedAttempts++;
            if (account.failedAttempts >= config.maxFailedAttempts()) {
                account.failedAttempts = 0;
                account.lockedUntil = now.plus(config.lockoutDuration());
                return new SignInResult.Refused(
                        "wrong password; account " + name + " locked", true, account.tenantId);
            }
            return new SignInResult.Refused("wrong password for " + name, false, account.tenantId);
        }
        // Written only on a change (Hibernate compares), so a clean sign-in updates nothing.
        account.failedAttempts = 0;
        account.lockedUntil = null;
        return new SignInResult.Accepted(identityOf(account));
    }

    /** What the password check needs, read before hashing. */
    private record Candidate(UUID id, UUID tenantId, String passwordHash, Instant lockedUntil) {
        static Candidate of(UserAccount account) {
            return new Candidate(
                    account.id, account.tenantId, account.passwordHash, account.lockedUntil);
        }

        boolean lockedAt(Instant now) {
            return lockedUntil != null && lockedUntil.isAfter(now);
        }
    }

    /**
     * The account of a user an external identity provider (OIDC) has authenticated, made on their
     * first sign-in (just in time) and brought up to date with the provider's roles and groups on
     * later ones: the provider is the source of truth for them.
     *
     * @param externalId the provider's subject, unique across tenants ({@code <issuer>|<sub>})
     * @throws IllegalArgumentException if the subject already belongs to another tenant, or its
     *     user name to another account
     */
    @Transactional
    public Identity signInExternal(
            UUID tenantId,
            String externalId,
            String username,
            Collection<Role> roles,
            Collection<String> groups) {
        if (externalId == null || externalId.isBlank()) {
            throw new IllegalArgumentException("the identity provider gave no subject");
        }
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException(
                    "user name must be 2-100 letters, digits or . _ @ -, got " + username);
        }
        String[] roleNames = roles.stream().map(Role::roleName).distinct().toArray(String[]::new);
        String[] groupNames = groups.stream().distinct().toArray(String[]::new);
        var found = accounts.findByExternalId(externalId);
        if (found.isPresent()) {
            var account = found.get();
            if (!account.tenantId.equals(tenantId)) {
                throw new IllegalArgumentException(
                        "user " + username + " belongs to another tenant in Atrium");
            }
            // Writes only on a change: this runs on every request of an OIDC session.
            if (!Set.copyOf(List.of(account.roles)).equals(Set.copyOf(List.of(roleNames)))
                    || !List.of(account.groups).equals(List.of(groupNames))
                    || !account.username.equals(username)) {
                if (!account.username.equals(username) && accounts.usernameTaken(username)) {
                    throw new IllegalArgumentException("user name " + username + " is taken");
                }
                account.username = username;
                account.roles = roleNames;
                account.groups = groupNames;
            }
            return identityOf(account);
        }
        if (accounts.usernameTaken(username)) {
            throw new IllegalArgumentException("user name " + username + " is taken");
        }
        var account = new UserAccount();
        account.id = UUID.randomUUID();
        account.tenantId = tenantId;
        account.username = username;
        account.externalId = externalId;
        account.roles = roleNames;
        account.groups = groupNames;
        account.createdAt = Instant.now();
        accounts.persist(account);
        return identityOf(account);
    }

    /** The identity of an account named in a session cookie the broker issued itself. */
    @Transactional
    public Optional<Identity> findByUsername(String username) {
        return accounts.findByUsername(username).map(IdentityService::identityOf);
    }

    /** The identity of an existing account, for mechanisms that authenticated it elsewhere. */
    @Transactional
    public Optional<Identity> findInTenant(UUID tenantId, String username) {
        return accounts.findInTenant(tenantId, username).map(IdentityService::identityOf);
    }

    private static Identity identityOf(UserAccount account) {
        return new Identity(
                account.id,
                account.username,
                account.tenantId,
                Set.copyOf(List.of(account.roles)),
                new LinkedHashSet<>(List.of(account.groups)));
    }
}
