package io.shm.monitoring.boundary;

import io.shm.retention.control.Retention;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Logger;

/** {@code io.shm:type=Retention}, over {@link Retention}. */
@Dependent
public class RetentionJmx implements RetentionMXBean {

    /** Partitions named in {@link #purgeNow()}'s answer; {@code LastRun} has them all. */
    static final int NAMED_PARTITIONS = 5;

    @Inject
    Retention retention;

    @Inject
    Logger log;

    @Override
    public int getDays() {
        return retention.days();
    }

    @Override
    public void setDays(int days) {
        // Checked here too: a refusal from inside the EJB would reach the client as an EJBException.
        retention.setDays(Retention.checkedDays(days));
        log.info(() -> "Retention set through JMX to " + days + " days");
    }

    @Override
    public LastRun getLastRun() {
        Retention.Run run = retention.lastRun();
        return run == null ? null : new LastRun(run.at().toString(), run.cutoff().toString(),
                run.droppedPartitions(), run.bucketRowsDeleted());
    }

    @Override
    public String purgeNow() {
        Retention.Run run = DatabaseCalls.call(log, "the retention run", retention::purgeNow);
        String summary = summary(run);
        log.info(() -> "Retention run through JMX: " + summary);
        return summary;
    }

    static String summary(Retention.Run run) {
        List<String> dropped = run.droppedPartitions();
        String partitions = switch (dropped.size()) {
            case 0 -> "no snapshot partition";
            case 1 -> "snapshot partition " + dropped.get(0);
            default -> dropped.size() + " snapshot partitions ("
                    + String.join(", ", dropped.subList(0, Math.min(dropped.size(), NAMED_PARTITIONS)))
                    + (dropped.size() > NAMED_PARTITIONS ? ", …" : "") + ")";
        };
        return "dropped " + partitions + " and " + run.bucketRowsDeleted() + " per-bucket rows older than " + run.cutoff();
    }
}
