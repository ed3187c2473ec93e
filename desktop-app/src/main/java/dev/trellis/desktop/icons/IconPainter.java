package dev.trellis.desktop.icons;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;

/**
 * Draws the Trellis glyph and its badges in pixel units. Sizes scale with the icon, each with a
 * floor of about a pixel so the smallest icons keep their lines; centres snap to the pixel grid so
 * that the horizontal and vertical links of a 16 px icon land on whole pixels instead of blurring
 * across two.
 */
final class IconPainter {

    /** Which links of the lattice are drawn. */
    enum Links { ALL, PARTIAL, NONE }

    /** What sits in the bottom-right corner, or across the icon. */
    enum Badge { NONE, WARNING, ERROR, LOCK, SLASH }

    /**
     * One state's treatment.
     *
     * @param tile the tile's fill
     * @param rim the tile's edge
     * @param glyph nodes and links
     * @param solidNodes filled nodes (else rings, filled with the tile's colour)
     */
    record Look(Color tile, Color rim, Color glyph, Links links, boolean solidNodes, Badge badge) {}

    static final Color AMBER = new Color(0xF5A623);
    static final Color AMBER_RIM = new Color(0x8A5A00);
    static final Color INK = new Color(0x2B2F36);
    static final Color RED = new Color(0xD93030);
    static final Color RED_RIM = new Color(0x7E1414);

    private IconPainter() {}

    static BufferedImage paint(Look look, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            new IconPainter.Canvas(g, size).draw(look);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** One drawing: the sizes derived from the icon's size, then the layers in order. */
    private static final class Canvas {
        private final Graphics2D g;
        private final double s;
        /** The tile's edge, in whole pixels so it stays one crisp line at small sizes. */
        private final double rimWidth;
        private final double linkWidth;
        private final double nodeRadius;
        /** The transparent gap cut around badges. */
        private final double gap;

        Canvas(Graphics2D g, int size) {
            this.g = g;
            this.s = size;
            this.rimWidth = Math.max(1, Math.round(size / 20.0));
            this.linkWidth = Math.max(1.0, size * 0.065);
            this.nodeRadius = Math.max(1.5, size * 0.085);
            this.gap = Math.max(1.0, size * 0.05);
        }

        void draw(Look look) {
            tile(look);
            lattice(look);
            switch (look.badge()) {
                case NONE -> { }
                case WARNING -> warning();
                case ERROR -> error();
                case LOCK -> lock();
                case SLASH -> slash();
            }
        }

        private void tile(Look look) {
            double inset = rimWidth / 2;
            double arc = s * 0.42;
            Shape tile = new RoundRectangle2D.Double(inset, inset, s - rimWidth, s - rimWidth, arc, arc);
            g.setColor(look.tile());
            g.fill(tile);
            g.setColor(look.rim());
            g.setStroke(new BasicStroke((float) rimWidth));
            g.draw(tile);
        }

        /**
         * Five nodes: a diamond and its centre, joined by the centre's four spokes and the
         * diamond's four sides. The centre sits on a pixel centre when links are an odd number of
         * pixels wide, so the spokes are whole pixels.
         */
        private void lattice(Look look) {
            double c = snap(s / 2, linkWidth);
            double d = Math.round(s * 0.29);
            Point2D.Double centre = new Point2D.Double(c, c);
            Point2D.Double[] ring = {
                new Point2D.Double(c, c - d), new Point2D.Double(c + d, c),
                new Point2D.Double(c, c + d), new Point2D.Double(c - d, c)
            };
            g.setColor(look.glyph());
            g.setStroke(new BasicStroke((float) linkWidth, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            if (look.links() != Links.NONE) {
                for (Point2D.Double p : ring) {
                    g.draw(new Line2D.Double(centre, p));
                }
                // PARTIAL: two opposite sides, like a spinner half way round
                for (int i = 0; i < 4; i++) {
                    if (look.links() == Links.ALL || i % 2 == 0) {
                        g.draw(new Line2D.Double(ring[i], ring[(i + 1) % 4]));
                    }
                }
            }
            for (Point2D.Double p : ring) {
                node(look, p);
            }
            node(look, centre);
        }

        private void node(Look look, Point2D.Double p) {
            double r = nodeRadius;
            Shape dot = new Ellipse2D.Double(p.x - r, p.y - r, 2 * r, 2 * r);
            if (look.solidNodes()) {
                g.setColor(look.glyph());
                g.fill(dot);
            } else {
                double w = Math.max(1.0, linkWidth * 0.9);
                Shape ring = new Ellipse2D.Double(p.x - r + w / 2, p.y - r + w / 2, 2 * r - w, 2 * r - w);
                g.setColor(look.tile());
                g.fill(ring);
                g.setColor(look.glyph());
                g.setStroke(new BasicStroke((float) w));
                g.draw(ring);
            }
        }

        /**
         * The corner badges: about half the icon, in the bottom-right corner; an odd number of
         * pixels, so the badge's centre is a pixel's centre and its one-pixel strokes stay sharp.
         */
        private double badgeSize() {
            long b = Math.max(7, Math.round(s * 0.52));
            return b % 2 == 0 ? b + 1 : b;
        }

        private void cut(Shape shape, double width) {
            Composite old = g.getComposite();
            g.setComposite(AlphaComposite.Clear);
            g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.fill(shape);
            g.draw(shape);
            g.setComposite(old);
        }

        private void warning() {
            double b = badgeSize();
            double x = s - b;
            double y = s - b;
            double w = Math.max(1, Math.round(s / 24.0));
            Path2D.Double tri = new Path2D.Double();
            tri.moveTo(x + b / 2, y + w / 2);
            tri.lineTo(s - w / 2, s - w / 2);
            tri.lineTo(x + w / 2, s - w / 2);
            tri.closePath();
            cut(tri, 2 * gap + w);
            g.setColor(AMBER);
            g.fill(tri);
            g.setColor(AMBER_RIM);
            g.setStroke(new BasicStroke((float) w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(tri);
            // the "!": a bar and a dot, on the triangle's axis
            double cx = snap(x + b / 2, Math.max(1, b * 0.13));
            double bar = Math.max(1, b * 0.13);
            g.setColor(INK);
            g.setStroke(new BasicStroke((float) bar, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
            g.draw(new Line2D.Double(cx, y + b * 0.34, cx, y + b * 0.66));
            g.fill(new Ellipse2D.Double(cx - bar * 0.6, y + b * 0.74, bar * 1.2, bar * 1.2));
        }

        private Shape badgeDisc(Color fill, Color rim) {
            double b = badgeSize();
            double w = Math.max(1, Math.round(s / 24.0));
            Shape disc = new Ellipse2D.Double(s - b + w / 2, s - b + w / 2, b - w, b - w);
            cut(disc, 2 * gap + w);
            g.setColor(fill);
            g.fill(disc);
            g.setColor(rim);
            g.setStroke(new BasicStroke((float) w));
            g.draw(disc);
            return disc;
        }

        private void error() {
            badgeDisc(RED, RED_RIM);
            double b = badgeSize();
            double cx = s - b / 2;
            double k = Math.max(2, Math.round(b * 0.22)); // whole pixels: the diagonals stay sharp
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke((float) Math.max(1, Math.round(b * 0.14)), BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(cx - k, cx - k, cx + k, cx + k));
            g.draw(new Line2D.Double(cx - k, cx + k, cx + k, cx - k));
        }

        /** A padlock on a dark disc with a light edge, so it reads on dark panels too. */
        private void lock() {
            badgeDisc(StateIcons.SLATE, StateIcons.PAPER);
            double b = badgeSize();
            double cx = s - b / 2;
            double bodyW = b * 0.46;
            double bodyH = b * 0.32;
            double top = cx - b * 0.04;
            g.setColor(Color.WHITE);
            g.fill(new RoundRectangle2D.Double(cx - bodyW / 2, top, bodyW, bodyH, b * 0.08, b * 0.08));
            double sw = Math.max(1, b * 0.09);
            double shackleW = bodyW * 0.62;
            g.setStroke(new BasicStroke((float) sw, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
            Path2D.Double shackle = new Path2D.Double();
            double sh = b * 0.2;
            shackle.moveTo(cx - shackleW / 2, top + sw / 2);
            shackle.lineTo(cx - shackleW / 2, top - sh + shackleW / 2);
            shackle.quadTo(cx - shackleW / 2, top - sh, cx, top - sh);
            shackle.quadTo(cx + shackleW / 2, top - sh, cx + shackleW / 2, top - sh + shackleW / 2);
            shackle.lineTo(cx + shackleW / 2, top + sw / 2);
            g.draw(shackle);
        }

        /** A dark bar from top left to bottom right, with a gap either side. */
        private void slash() {
            double w = Math.max(1.6, s * 0.1);
            double a = s * 0.14;
            Shape bar = new Line2D.Double(a, a, s - a, s - a);
            Composite old = g.getComposite();
            g.setComposite(AlphaComposite.Clear);
            g.setStroke(new BasicStroke((float) (w + 2 * gap), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(bar);
            g.setComposite(old);
            g.setColor(INK);
            g.setStroke(new BasicStroke((float) w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(bar);
        }

        /** {@code v} moved to a pixel centre for odd widths, to a pixel edge for even ones. */
        private static double snap(double v, double width) {
            long w = Math.round(width);
            return w % 2 == 1 ? Math.floor(v) + 0.5 : Math.round(v);
        }
    }
}
