package io.shm.aggregation.control;

import io.shm.aggregation.entity.Bucket;
import io.shm.aggregation.entity.KeyTrend;
import io.shm.aggregation.entity.Period;
import io.shm.aggregation.entity.SeriesPoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sparklines of the numeric keys: each key's fleet total per day over a period (per week over a year
 * or all time), from the rollups, with its change over the period.
 */
@ApplicationScoped
public class KeyTrends {

    @Inject
    FleetSeries fleet;

    @Inject
    ActiveWindow window;

    /** The bucket width a period's sparklines are drawn with: days up to 90 days, weeks beyond. */
    public static Bucket width(Period period) {
        return period.span().toDays() > 90 ? Bucket.WEEK : Bucket.DAY;
    }

    /** Every numeric key's trend over the period, by key. */
    public List<KeyTrend> trends(long applicationId, Period period) throws SQLException {
        Bucket width = width(period);
        Instant now = window.now();
        Map<String, List<SeriesPoint>> series = fleet.allSeries(applicationId, null, width,
                period.start(now, width), now);
        List<KeyTrend> trends = new ArrayList<>();
        series.forEach((key, points) -> trends.add(new KeyTrend(key, List.copyOf(points), change(points))));
        return trends;
    }

    static BigDecimal change(List<SeriesPoint> points) {
        if (points.size() < 2) {
            return null;
        }
        BigDecimal first = points.get(0).sum();
        BigDecimal last = points.get(points.size() - 1).sum();
        if (first == null || last == null || first.signum() == 0) {
            return null;
        }
        return last.subtract(first).divide(first.abs(), MathContext.DECIMAL64);
    }
}
