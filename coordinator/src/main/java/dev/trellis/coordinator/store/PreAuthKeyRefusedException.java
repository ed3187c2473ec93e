package dev.trellis.coordinator.store;

/** A registration presented a pre-auth key that may not be used; nothing was registered. */
public class PreAuthKeyRefusedException extends StoreException {
    private final PreAuthKeyUse.Status reason;

    public PreAuthKeyRefusedException(PreAuthKeyUse.Status reason) {
        super("pre-auth key refused: " + reason.description());
        this.reason = reason;
    }

    public PreAuthKeyUse.Status reason() {
        return reason;
    }
}
