package io.shm.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the test PostgreSQL before any integration test, so that Payara Micro (started by Arquillian
 * with {@code src/test/resources/arquillian.xml}) finds its URL in the system properties. Only the
 * Failsafe run asks for it ({@code shm.test.database=embedded}); unit tests need no database.
 */
public class TestDatabaseSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!"embedded".equals(System.getProperty("shm.test.database"))) {
            return;
        }
        TestDatabase database = TestDatabase.get();
        System.setProperty("shm.test.db.url", database.jdbcUrl());
        System.setProperty("shm.test.db.user", TestDatabase.USER);
        System.setProperty("shm.test.db.password", TestDatabase.PASSWORD);
    }
}
