package io.shm.badge.control;

/**
 * What a badge says before it is drawn: its message and the colour it has unless the visitor asks
 * for another. Label and requested colour vary per request, so they are not part of it, and one
 * value serves every variant of a badge.
 *
 * @param error whether the message explains why there is nothing to show (an unknown app or key)
 */
public record BadgeValue(String message, String color, boolean error) {

    public static final BadgeValue UNKNOWN_APP = new BadgeValue("unknown app", BadgeColor.ERROR, true);
    public static final BadgeValue UNKNOWN_METRIC = new BadgeValue("unknown metric", BadgeColor.ERROR, true);

    public static BadgeValue of(String message, String color) {
        return new BadgeValue(message, color, false);
    }
}
