package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.TrayState;
import javafx.beans.value.ObservableValue;
import javafx.scene.Scene;
import javafx.scene.image.ImageView;
import javafx.stage.Window;

/**
 * A state icon {@code size} units wide, rendered at the output scale of the screen its window is
 * on, and again when the window moves to a screen with another scale.
 */
final class StateIconView extends ImageView {
    private final double size;
    private final ObservableValue<Number> scale;
    private TrayState state;
    private double renderedScale;

    StateIconView(double size) {
        this.size = size;
        setFitWidth(size);
        setFitHeight(size);
        setPreserveRatio(true);
        setSmooth(true);
        getStyleClass().add("state-icon");
        scale = sceneProperty().flatMap(Scene::windowProperty).flatMap(Window::outputScaleXProperty).orElse(1.0);
        scale.subscribe(s -> render());
    }

    void setState(TrayState newState) {
        if (newState != state) {
            state = newState;
            renderedScale = 0;
            render();
        }
    }

    TrayState state() {
        return state;
    }

    /** The pixel width of the image now shown (for tests: it follows the output scale). */
    double pixelWidth() {
        return getImage() == null ? 0 : getImage().getWidth();
    }

    private void render() {
        double s = scale.getValue().doubleValue();
        if (state != null && s != renderedScale) {
            renderedScale = s;
            setImage(StateImages.forScale(state, size, s));
        }
    }
}
