package dev.trellis.engine.crypto;

/** Every {@link TransportAeadTest} case again on the JDK cipher (the default, {@code trellis.aead=jdk}). */
class TransportAeadJdkTest extends TransportAeadTest {

    @Override
    TransportAead newAead() {
        return new TransportAead(TransportAead.Implementation.JDK);
    }
}
