package dev.trellis.coordinator.policy;

/**
 * Why a policy was refused. The message reads {@code line L, column C: what is wrong and what to
 * do}, with 1-based positions in the policy text; errors that belong to no position (the file
 * is too large, a subject given outside the file) have line and column 0 and no prefix.
 */
public final class PolicyException extends Exception {
    private final int line;
    private final int column;

    public PolicyException(int line, int column, String message) {
        super(line > 0 ? "line " + line + ", column " + column + ": " + message : message);
        this.line = line;
        this.column = column;
    }

    public PolicyException(String message) {
        this(0, 0, message);
    }

    static PolicyException at(JsonValue where, String message) {
        return new PolicyException(where.line(), where.column(), message);
    }

    /** 1-based line of the error in the policy text, or 0 when it has no position. */
    public int line() {
        return line;
    }

    /** 1-based column (in characters) of the error, or 0 when it has no position. */
    public int column() {
        return column;
    }
}
