package io.shm.platform;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A count since deployment, read by JMX, and mirrored into a MicroProfile Metrics counter when the
 * server has MicroProfile Metrics ({@code io.shm.monitoring.metrics}). Holds no metrics type itself, so
 * the classes that count deploy on a server without it.
 */
public final class Tally {

    private static final LongConsumer NOWHERE = n -> { };

    private final LongAdder count = new LongAdder();
    private volatile LongConsumer mirror = NOWHERE;

    public void increment() {
        count.increment();
        mirror.accept(1);
    }

    public long count() {
        return count.sum();
    }

    /** Every increment from now on also goes to {@code add}, which first receives the count so far. */
    public void mirrorTo(LongConsumer add) {
        mirror = add;
        long sofar = count.sum();
        if (sofar > 0) {
            add.accept(sofar);
        }
    }
}
