package dev.trellis.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Any bytes read as relay frames end in frames that re-encode, in a clean end, or in
 * {@link EOFException} / {@link RelayProtocolException} with a message; never another exception
 * and never a payload beyond the limit. A plain {@code mvn test} replays only the empty input;
 * {@code JAZZER_FUZZ=1 ./mvnw -B -o -pl protocol test -Dtest=FrameReaderFuzzTest} fuzzes for
 * {@code maxDuration}. (No execution in protocol/pom.xml runs it yet: that file is not the relay's.)
 */
class FrameReaderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void frames(byte[] data) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(data));
        try {
            for (RelayFrame f = reader.read(); f != null; f = reader.read()) {
                byte[] again = RelayFrames.encode(f);
                assertThat(again.length - RelayFrames.HEADER_LENGTH).isLessThanOrEqualTo(RelayFrame.MAX_PAYLOAD);
                assertThat(RelayFrames.decode(f.type(), java.util.Arrays.copyOfRange(again, RelayFrames.HEADER_LENGTH,
                        again.length))).isInstanceOf(f.getClass());
            }
        } catch (EOFException | RelayProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
