#!/bin/bash
# The SHM server in its container: Payara Micro with the WAR, started as the launcher
# (java -jar target/shm.jar) starts it when SHM_DB_URL names a database, with the same variables:
# SHM_DB_URL, SHM_DB_USER, SHM_DB_PASSWORD and the rest of README's configuration table are read by
# the server itself; SHM_JAVA_OPTS, SHM_PAYARA_OPTS, SHM_CLUSTER_ENABLED, SHM_CLUSTER_MEMBERS and
# SHM_DB_JNDI=jdbc/shm (the server's own pool) here.
set -euo pipefail

config=/opt/payara/config
options=(--deploy /opt/payara/deployments/shm.war --contextroot / --port 8080 --disablephonehome)
# Payara Micro reads a single pre-boot file: the HTTP limits, and the data grid's settings and the
# server's own JDBC pool when asked for, joined as one.
preboot_files=("$config/pre-boot-commands.asadmin")
if [ "${SHM_CLUSTER_ENABLED:-false}" = "true" ]; then
    # Needs SHM_CLUSTER_NAME, SHM_CLUSTER_INTERFACE, SHM_CLUSTER_PORT (server-config/cluster.asadmin).
    preboot_files+=("$config/cluster.asadmin")
    if [ -n "${SHM_CLUSTER_MEMBERS:-}" ]; then
        options+=(--clustermode "tcpip:${SHM_CLUSTER_MEMBERS// /}")
    fi
else
    # Not --nocluster: that still starts Hazelcast as a cluster of one (see the launcher).
    options+=(--nohazelcast)
fi
if [ "${SHM_DB_JNDI:-}" = "jdbc/shm" ]; then
    # The pool of server-config/jdbc-pool.asadmin, kept by Payara instead of the WAR.
    preboot_files+=("$config/jdbc-pool.asadmin")
    options+=(--addlibs /opt/payara/lib/postgresql.jar)
fi
preboot=$(mktemp --suffix=.asadmin)
cat "${preboot_files[@]}" > "$preboot"
options+=(--prebootcommandfile "$preboot")

# The launcher's defaults for a small host (launcher/src/main/java/io/shm/launcher/Settings.java,
# DEFAULT_JAVA_OPTIONS; measured with the footprint benchmark): give the container 512 MiB or more.
read -r -a java_options <<< "${SHM_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:MaxMetaspaceSize=256m -XX:ReservedCodeCacheSize=96m -Xss512k -XX:+ExitOnOutOfMemoryError}"
read -r -a payara_options <<< "${SHM_PAYARA_OPTS:-}"
exec java "${java_options[@]}" -jar /opt/payara/payara-micro.jar "${options[@]}" "${payara_options[@]}"
