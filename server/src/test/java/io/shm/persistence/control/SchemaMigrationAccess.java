package io.shm.persistence.control;

import java.sql.Connection;
import liquibase.exception.LiquibaseException;

/** Lets tests outside the package run the exact migration the server runs at deployment. */
public final class SchemaMigrationAccess {

    private SchemaMigrationAccess() {
    }

    public static void update(Connection connection) throws LiquibaseException {
        SchemaMigration.update(connection);
    }
}
