package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OidcStatesTest {
    private final TestClock clock = new TestClock();
    private final OidcStates states = new OidcStates(3, Duration.ofMinutes(10), clock);

    @Test
    void aStateIsTakenOnce() {
        String state = states.put("req1", new Nonce(), new CodeVerifier(), "browser");

        assertThat(states.take(state)).hasValueSatisfying(p -> assertThat(p.requestId()).isEqualTo("req1"));
        assertThat(states.take(state)).isEmpty();
        assertThat(states.take("never-issued")).isEmpty();
    }

    @Test
    void aStateExpires() {
        String state = states.put("req1", new Nonce(), new CodeVerifier(), "browser");
        clock.advance(Duration.ofMinutes(10));

        assertThat(states.take(state)).isEmpty();
    }

    @Test
    void whenFullTheOldestIsDropped() {
        String first = states.put("r1", new Nonce(), new CodeVerifier(), "b");
        String second = states.put("r2", new Nonce(), new CodeVerifier(), "b");
        states.put("r3", new Nonce(), new CodeVerifier(), "b");
        states.put("r4", new Nonce(), new CodeVerifier(), "b");

        assertThat(states.size()).isEqualTo(3);
        assertThat(states.take(first)).isEmpty();
        assertThat(states.take(second)).isPresent();
    }

    @Test
    void expiredStatesMakeRoomFirst() {
        states.put("r1", new Nonce(), new CodeVerifier(), "b");
        states.put("r2", new Nonce(), new CodeVerifier(), "b");
        clock.advance(Duration.ofMinutes(11));
        String fresh = states.put("r3", new Nonce(), new CodeVerifier(), "b");

        assertThat(states.size()).isEqualTo(1);
        assertThat(states.take(fresh)).isPresent();
    }

    @Test
    void pendingLoginsDoNotPrintTheirSecrets() {
        CodeVerifier verifier = new CodeVerifier();
        String state = states.put("req1", new Nonce(), verifier, "browser");

        assertThat(states.take(state).orElseThrow().toString()).doesNotContain("req1", verifier.getValue(), "browser");
    }
}
