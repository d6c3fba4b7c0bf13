package dev.appauth.keycloak.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.appauth.keycloak.ratelimit.RateLimitRules.Limit;
import dev.appauth.keycloak.ratelimit.RateLimitRules.Scope;

class RateLimitRulesTest {

    @Test
    void parsesEntriesWithUnits() {
        RateLimitRules rules = RateLimitRules.parse(" login.ip=60/1m , login.account=30/10m,refresh.ip=5/30s,x.ip=1/2h");
        assertThat(rules.limit("login", Scope.IP)).contains(new Limit(60, Duration.ofMinutes(1)));
        assertThat(rules.limit("login", Scope.ACCOUNT)).contains(new Limit(30, Duration.ofMinutes(10)));
        assertThat(rules.limit("refresh", Scope.IP)).contains(new Limit(5, Duration.ofSeconds(30)));
        assertThat(rules.limit("x", Scope.IP)).contains(new Limit(1, Duration.ofHours(2)));
        assertThat(rules.limit("refresh", Scope.ACCOUNT)).isEmpty();
        assertThat(rules.limit("unknown", Scope.IP)).isEmpty();
    }

    @Test
    void laterEntriesOverrideAndOffRemoves() {
        RateLimitRules rules = RateLimitRules.parse("login.ip=60/1m,register.ip=20/10m")
                .with("login.ip=3/1m,register.ip=off");
        assertThat(rules.limit("login", Scope.IP)).contains(new Limit(3, Duration.ofMinutes(1)));
        assertThat(rules.limit("register", Scope.IP)).isEmpty();
    }

    @Test
    void wildcardReplacesEveryRuleOfItsScopeButSpecificEntriesAfterItWin() {
        RateLimitRules rules = RateLimitRules.parse("login.ip=60/1m,login.account=30/10m")
                .with("*.ip=1000/1m")
                .with("login.ip=2/1m");
        assertThat(rules.limit("login", Scope.IP)).contains(new Limit(2, Duration.ofMinutes(1)));
        assertThat(rules.limit("register", Scope.IP)).contains(new Limit(1000, Duration.ofMinutes(1)));
        assertThat(rules.limit("login", Scope.ACCOUNT)).contains(new Limit(30, Duration.ofMinutes(10)));
    }

    @Test
    void blankSpecChangesNothing() {
        RateLimitRules rules = RateLimitRules.parse("login.ip=1/1s");
        assertThat(rules.with(null)).isSameAs(rules);
        assertThat(rules.with("  ")).isSameAs(rules);
        assertThat(RateLimitRules.parse(",,").limit("login", Scope.IP)).isEqualTo(Optional.empty());
    }

    @Test
    void aWindowOfADayIsTheLongest() {
        assertThat(RateLimitRules.parse("login.ip=5/24h").limit("login", Scope.IP).orElseThrow().window()).hasHours(24);
    }

    @Test
    void badEntriesAreRefusedWithTheEntryNamed() {
        for (String bad : new String[] {"login", "login=5/1m", "login.host=5/1m", "login.ip=5", "login.ip=0/1m",
                "login.ip=-1/1m", "login.ip=5/0s", "login.ip=5/1d", "login.ip=x/1m", "login.ip=5/m", ".ip=5/1m",
                // windows that overflow a Duration or the stores' millisecond expiries, or exceed a day
                "login.ip=5/9999999999999999h", "login.ip=5/153722867280912931m", "login.ip=5/25h", "login.ip=5/86401s",
                "login.ip=99999999999/1m"}) {
            assertThatThrownBy(() -> RateLimitRules.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate limit entry");
        }
    }
}
