package dev.trellis.desktop.app;

import dev.trellis.desktop.model.Notice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationPolicyTest {
    private final NotificationPolicy policy = new NotificationPolicy();

    private List<Notice.Kind> next(Scenario s) {
        return policy.next(Fixtures.view(s), Fixtures.NOW).stream().map(Notice::kind).toList();
    }

    @Test
    void startingConnectedSaysNothingThenTransitionsAreTold() {
        assertThat(next(Scenario.LOADING)).isEmpty();
        assertThat(next(Scenario.CONNECTED)).isEmpty();
        assertThat(next(Scenario.CONNECTED)).isEmpty();
        assertThat(next(Scenario.STOPPED)).containsExactly(Notice.Kind.DISCONNECTED);
        assertThat(next(Scenario.CONNECTING)).isEmpty();
        assertThat(next(Scenario.CONNECTED)).containsExactly(Notice.Kind.CONNECTED);
        assertThat(next(Scenario.UNREACHABLE)).containsExactly(Notice.Kind.DISCONNECTED);
        assertThat(next(Scenario.LOGGED_OUT)).containsExactly(Notice.Kind.LOGIN_NEEDED);
        assertThat(next(Scenario.LOGGED_OUT)).isEmpty();
    }

    @Test
    void loginNeededAtStartIsTold() {
        assertThat(next(Scenario.LOGGED_OUT)).containsExactly(Notice.Kind.LOGIN_NEEDED);
    }

    @Test
    void anExpiringKeyIsToldOnce() {
        List<Notice> first = policy.next(Fixtures.view(Scenario.WARNING), Fixtures.NOW);
        assertThat(first).extracting(Notice::kind).containsExactly(Notice.Kind.KEY_EXPIRING);
        assertThat(first.getFirst().body()).contains("expires in 3 days");
        assertThat(next(Scenario.WARNING)).isEmpty();
    }
}
