package dev.trellis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code trellis} in-process against a {@link FakeLocalApi} and captures what it printed. */
final class CliRunner {
    final FakeLocalApi api = new FakeLocalApi();
    final List<String> opened = new ArrayList<>();
    Map<String, String> env = Map.of();

    record Result(int exit, String out, String err) {}

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(new PrintWriter(out), new PrintWriter(err),
                socket -> api, env, Clock.fixed(LocalApiJsonFixtures.NOW, ZoneOffset.UTC), opened::add);
        int exit = Trellis.run(args, environment);
        return new Result(exit, out.toString(), err.toString());
    }
}
