package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.AppView;
import dev.trellis.desktop.model.PeerView;
import dev.trellis.desktop.model.PeerView.PathKind;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.skin.VirtualFlow;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The peer list: filtering, sorting, and updates in place that keep the selection and the scroll position. */
@ExtendWith(ApplicationExtension.class)
class PeerTableTest {
    private Harness h;

    @Start
    void start(Stage stage) {
        h = Harness.open(stage, Fixtures.view(Scenario.WARNING));
    }

    private List<String> names() {
        return fx(() -> h.table().getItems().stream().map(r -> r.view().name()).toList());
    }

    @Test
    void sortedByNameAtFirst() {
        assertThat(names()).containsExactly("ci-runner", "nas", "phone", "server");
    }

    @Test
    void searchFiltersByNameDnsNameUserAddressAndOs(FxRobot robot) {
        robot.clickOn("#search").write("nas");
        Harness.await("one match", () -> h.table().getItems().size() == 1);
        assertThat(names()).containsExactly("nas");
        assertThat(robot.lookup("#peer-count").queryAs(Label.class).getText()).isEqualTo("1 of 4");
        Map<String, List<String>> expect = Map.of(
                "bob@", List.of("phone"),
                "android", List.of("phone"),
                "100.64.0.2", List.of("server"),
                "fd7a:115c:a1e0::3", List.of("phone"),
                "server.alice.trellis", List.of("server"),
                "tag:ci", List.of("ci-runner"),
                "ALICE@ LINUX", List.of("nas", "server"));
        for (var e : expect.entrySet()) {
            robot.interact(() -> robot.lookup("#search").queryTextInputControl().setText(e.getKey()));
            assertThat(names()).as(e.getKey()).containsExactlyElementsOf(e.getValue());
        }
    }

    @Test
    void aSearchWithoutMatchesSaysSo(FxRobot robot) {
        robot.clickOn("#search").write("xyz");
        Harness.await("no rows", () -> h.table().getItems().isEmpty());
        assertThat(robot.lookup("#placeholder-title").queryAs(Label.class).getText()).isEqualTo("No device matches 'xyz'");
        assertThat(robot.lookup("#peer-count").queryAs(Label.class).getText()).isEqualTo("0 of 4");
        robot.interact(() -> robot.lookup("#search").queryTextInputControl().clear());
        assertThat(names()).hasSize(4);
    }

    @Test
    void clickingAHeaderSortsByThatColumn(FxRobot robot) {
        TableColumn<PeerRow, ?> latency = column("col-latency");
        robot.clickOn(robot.lookup(".column-header").match(n -> n.getId() != null && n.getId().equals("col-latency"))
                .queryAs(javafx.scene.Node.class));
        Harness.await("sorted by latency", () -> h.table().getSortOrder().equals(List.of(latency)));
        // server 1.4 ms, ci-runner 3.1 ms, nas 23 ms, phone unknown (last)
        assertThat(names()).containsExactly("server", "ci-runner", "nas", "phone");
        robot.interact(() -> latency.setSortType(TableColumn.SortType.DESCENDING));
        assertThat(names()).containsExactly("phone", "nas", "ci-runner", "server");

        robot.interact(() -> h.table().getSortOrder().setAll(column("col-path")));
        assertThat(names()).as("direct (by endpoint), then relayed, then none")
                .containsExactly("server", "ci-runner", "nas", "phone");
        robot.interact(() -> h.table().getSortOrder().setAll(column("col-seen")));
        assertThat(names().getLast()).as("offline last").isEqualTo("phone");
        robot.interact(() -> h.table().getSortOrder().setAll(column("col-rx")));
        assertThat(names()).containsExactly("phone", "server", "nas", "ci-runner");
    }

    @Test
    void updatesChangeRowsInPlaceAndKeepTheSelectionAndTheScrollPosition(FxRobot robot) {
        List<PeerView> peers = Harness.manyPeers(60);
        AppView base = Fixtures.view(Scenario.CONNECTED);
        h.show(robot, Harness.withPeers(base, peers));
        String chosen = "key-host-30";
        robot.interact(() -> {
            h.table().getSelectionModel().select(h.table().row(chosen));
            h.table().scrollTo(24);
        });
        Harness.await("scrolled", () -> firstVisible() == 24);
        Map<String, PeerRow> before = fx(() -> {
            Map<String, PeerRow> m = new HashMap<>();
            h.table().getItems().forEach(r -> m.put(r.key(), r));
            return m;
        });
        List<String> changes = new ArrayList<>();
        robot.interact(() -> h.table().getItems().addListener((ListChangeListener<PeerRow>) c -> {
            while (c.next()) {
                changes.add(c.wasPermutated() ? "permutation" : c.wasUpdated() ? "update"
                        : (c.wasRemoved() ? "remove " + c.getRemovedSize() : "") + (c.wasAdded() ? "add " + c.getAddedSize() : ""));
            }
        }));

        // host-30 goes direct, host-59 leaves, host-61 joins (both out of sight), host-31's traffic grows
        List<PeerView> next = new ArrayList<>(peers);
        next.set(29, Harness.peer(30, PathKind.DIRECT));
        next.remove(58);
        PeerView p31 = peers.get(30);
        next.set(30, new PeerView(p31.key(), p31.name(), p31.dnsName(), p31.user(), p31.userDisplayName(), p31.os(),
                p31.addresses(), p31.tags(), p31.online(), p31.active(), p31.expired(), p31.lastSeen(), p31.keyExpiry(),
                p31.path(), p31.endpoint(), p31.relay(), p31.latency(), p31.relayReason(), 999_999, p31.txBytes()));
        next.add(Harness.peer(61, PathKind.NONE));
        for (int round = 0; round < 3; round++) { // the same view again changes nothing
            h.show(robot, Harness.withPeers(base, next));
        }

        fx(() -> {
            assertThat(h.table().getItems()).hasSize(60);
            assertThat(h.table().getItems().stream().map(PeerRow::key).collect(Collectors.toSet())).hasSize(60);
            PeerRow selected = h.table().getSelectionModel().getSelectedItem();
            assertThat(selected.key()).isEqualTo(chosen);
            assertThat(selected).as("the same row object, updated").isSameAs(before.get(chosen));
            assertThat(selected.pathProperty().getValue().kind()).isEqualTo(PathKind.DIRECT);
            assertThat(selected.pathProperty().getValue().detail()).isEqualTo("198.18.1.30:41641");
            Set<PeerRow> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            kept.addAll(h.table().getItems());
            before.forEach((k, row) -> assertThat(kept.contains(row))
                    .as(k).isEqualTo(!k.equals("key-host-59")));
            assertThat(h.table().getFocusModel().getFocusedItem()).isSameAs(selected);
            return null;
        });
        assertThat(firstVisible()).as("no scroll reset").isEqualTo(24);
        assertThat(changes).as("no rebuild: only what changed").doesNotContain("remove 60add 60", "remove 60", "add 60")
                .contains("remove 1", "add 1");

        // a peer above the view leaves: the list shifts by that one row, not back to the top
        List<PeerView> fewer = new ArrayList<>(next);
        fewer.remove(0);
        h.show(robot, Harness.withPeers(base, fewer));
        assertThat(firstVisible()).isBetween(23, 24);
        assertThat(fx(() -> h.table().getSelectionModel().getSelectedItem().key())).isEqualTo(chosen);

        // the chosen peer leaves: nothing is selected, and nothing else is picked for the user
        fewer.removeIf(p -> p.key().equals(chosen));
        h.show(robot, Harness.withPeers(base, fewer));
        assertThat(fx(() -> h.table().getSelectionModel().getSelectedItem())).isNull();
    }

    @Test
    void theSelectionFollowsThePeerThroughSortingAndFiltering(FxRobot robot) {
        robot.clickOn("nas");
        assertThat(fx(() -> h.table().selected().view().name())).isEqualTo("nas");
        robot.interact(() -> h.table().getSortOrder().setAll(column("col-rx")));
        assertThat(fx(() -> h.table().selected().view().name())).isEqualTo("nas");
        robot.interact(() -> robot.lookup("#search").queryTextInputControl().setText("s"));
        assertThat(fx(() -> h.table().selected().view().name())).isEqualTo("nas");
        robot.interact(() -> robot.lookup("#search").queryTextInputControl().setText("server"));
        assertThat(fx(() -> h.table().selected())).as("filtered out").isNull();
        robot.interact(() -> robot.lookup("#search").queryTextInputControl().clear());
        assertThat(fx(() -> h.table().selected().view().name())).as("back when shown again").isEqualTo("nas");
    }

    private int firstVisible() {
        return fx(() -> {
            VirtualFlow<?> flow = (VirtualFlow<?>) h.table().lookup(".virtual-flow");
            return flow.getFirstVisibleCell().getIndex();
        });
    }

    @SuppressWarnings("unchecked")
    private TableColumn<PeerRow, ?> column(String id) {
        return h.table().getColumns().stream().filter(c -> id.equals(c.getId())).findFirst().orElseThrow();
    }
}
