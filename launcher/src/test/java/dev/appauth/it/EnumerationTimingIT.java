package dev.appauth.it;

import static dev.appauth.it.AuthApi.post;
import static dev.appauth.it.AuthApi.unique;
import static dev.appauth.it.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark-style: forgot-password and resend-verification must not tell known from unknown addresses, by
 * answer or by time. Calls alternate between a known and an unknown address (so drift hits both alike), and
 * the medians are printed. The timing bound is generous on purpose (a shared CI machine is noisy): it catches
 * a request that does account-dependent work (a lookup, a token, SMTP), which would cost far more.
 */
@ExtendWith(KeycloakStackExtension.class)
class EnumerationTimingIT {

    private static final int CALLS = 50;
    private static final int WARMUP = 10;

    @Test
    void forgotPasswordAnswersKnownAndUnknownAddressesAlike() {
        compare("forgot-password");
    }

    @Test
    void resendVerificationAnswersKnownAndUnknownAddressesAlike() {
        compare("resend-verification");
    }

    private static void compare(String endpoint) {
        AuthApi.TestUser user = AuthApi.newUser();
        String known = user.email();
        String unknown = unique("nobody") + "@example.com";
        Http.Reply knownReply = post(endpoint, map("email", known));
        Http.Reply unknownReply = post(endpoint, map("email", unknown));
        assertThat(knownReply.status()).isEqualTo(unknownReply.status()).isEqualTo(202);
        assertThat(knownReply.body()).isEqualTo(unknownReply.body());
        assertThat(knownReply.raw().headers().map().keySet()).isEqualTo(unknownReply.raw().headers().map().keySet());

        for (int i = 0; i < WARMUP; i++) {
            post(endpoint, map("email", known));
            post(endpoint, map("email", unknown));
        }
        List<Long> knownNanos = new ArrayList<>();
        List<Long> unknownNanos = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            // alternate which one goes first, so neither always follows the other's work
            if (i % 2 == 0) {
                knownNanos.add(timed(endpoint, known));
                unknownNanos.add(timed(endpoint, unknown));
            } else {
                unknownNanos.add(timed(endpoint, unknown));
                knownNanos.add(timed(endpoint, known));
            }
        }
        double knownMs = median(knownNanos) / 1e6;
        double unknownMs = median(unknownNanos) / 1e6;
        double difference = Math.abs(knownMs - unknownMs) / Math.min(knownMs, unknownMs);
        System.out.printf("[bench] %s: median of %d calls: known %.2f ms, unknown %.2f ms, difference %.1f%%%n",
                endpoint, CALLS, knownMs, unknownMs, difference * 100);
        assertThat(Math.abs(knownMs - unknownMs)).as("median difference in ms (known %.2f, unknown %.2f)", knownMs, unknownMs)
                .isLessThan(Math.max(3.0, 0.5 * Math.min(knownMs, unknownMs)));
    }

    private static long timed(String endpoint, String email) {
        long t0 = System.nanoTime();
        Http.Reply reply = post(endpoint, map("email", email));
        long elapsed = System.nanoTime() - t0;
        assertThat(reply.status()).isEqualTo(202);
        return elapsed;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
