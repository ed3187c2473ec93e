package dev.trellis.desktop.ui;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the command in advice like "Start it: sudo systemctl start trellisd" or "Join the group
 * trellis (sudo usermod -aG trellis $USER), then log in again", so the window can offer exactly
 * that line to copy.
 */
final class Commands {
    /**
     * A command follows ": " or "(", starts with one of these words, and runs to a closing
     * parenthesis, a ", " or the end. (At the start of a sentence "trellisd ..." is prose.)
     */
    private static final Pattern COMMAND = Pattern.compile(
            "(?:: |\\()((?:sudo|systemctl|trellis|trellisd|usermod|newgrp|journalctl|loginctl) [^()]*?)"
                    + "(?=\\)|, |\\.?$)");

    private Commands() {}

    /** The first command in {@code advice}, or null when it holds none. */
    static String find(String advice) {
        if (advice == null) {
            return null;
        }
        Matcher m = COMMAND.matcher(advice);
        return m.find() ? m.group(1).strip() : null;
    }
}
