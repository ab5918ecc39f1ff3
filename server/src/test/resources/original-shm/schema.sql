-- The database of the original SHM server (v1.2.x) after both its migrations, written from the
-- description in the project's compatibility notes: the source the import test reads from.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE instances (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    instance_id     uuid NOT NULL UNIQUE,
    public_key      bytea NOT NULL,
    app_name        varchar(100) DEFAULT 'unknown_app',
    app_version     varchar(50),
    deployment_mode varchar(20),
    environment     varchar(20),
    os_arch         varchar(50),
    status          varchar(20) DEFAULT 'pending',
    last_seen_at    timestamptz DEFAULT now(),
    created_at      timestamptz DEFAULT now()
);

CREATE TABLE snapshots (
    id          bigserial PRIMARY KEY,
    instance_id uuid NOT NULL REFERENCES instances (instance_id) ON DELETE CASCADE,
    snapshot_at timestamptz DEFAULT now(),
    data        jsonb NOT NULL
);

CREATE INDEX idx_instances_app_name ON instances (app_name);
CREATE INDEX idx_instances_last_seen ON instances (last_seen_at);

-- The second migration.
CREATE TABLE applications (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    app_slug                varchar(100) NOT NULL UNIQUE,
    app_name                varchar(100) NOT NULL,
    github_url              varchar(500),
    github_stars            int DEFAULT 0,
    github_stars_updated_at timestamptz,
    logo_url                varchar(500),
    created_at              timestamptz DEFAULT now(),
    updated_at              timestamptz DEFAULT now()
);

ALTER TABLE instances ADD COLUMN application_id uuid REFERENCES applications (id);
CREATE INDEX idx_instances_application_id ON instances (application_id);
CREATE INDEX idx_applications_slug ON applications (app_slug);
