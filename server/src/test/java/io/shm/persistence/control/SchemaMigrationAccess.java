package io.shm.persistence.control;

import java.sql.Connection;
import liquibase.exception.LiquibaseException;

/** Lets tests outside the package run the exact migration the server runs at deployment. */
public final class SchemaMigrationAccess {

    private SchemaMigrationAccess() {
    }

    /** @return whether Liquibase ran (false when the database records this changelog as applied) */
    public static boolean update(Connection connection) throws LiquibaseException {
        return SchemaMigration.update(connection);
    }
}
