package io.shm.instance.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.Objects;

/** What an instance says about itself when it registers. */
@Embeddable
public class InstanceMetadata {

    public static final int FIELD_MAX = 100;

    @Column(name = "app_version", length = FIELD_MAX)
    private String appVersion;

    @Column(name = "deployment_mode", length = FIELD_MAX)
    private String deploymentMode;

    @Column(name = "environment", length = FIELD_MAX)
    private String environment;

    @Column(name = "os_arch", length = FIELD_MAX)
    private String osArch;

    protected InstanceMetadata() {
        // for JPA
    }

    public InstanceMetadata(String appVersion, String deploymentMode, String environment, String osArch) {
        this.appVersion = Objects.requireNonNull(appVersion, "appVersion");
        this.deploymentMode = deploymentMode;
        this.environment = environment;
        this.osArch = osArch;
    }

    public String getAppVersion() {
        return appVersion;
    }

    public String getDeploymentMode() {
        return deploymentMode;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getOsArch() {
        return osArch;
    }

    /** An embeddable whose columns are all null is loaded as null by JPA; this tells the other case. */
    boolean isPresent() {
        return appVersion != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InstanceMetadata that
                && Objects.equals(appVersion, that.appVersion)
                && Objects.equals(deploymentMode, that.deploymentMode)
                && Objects.equals(environment, that.environment)
                && Objects.equals(osArch, that.osArch);
    }

    @Override
    public int hashCode() {
        return Objects.hash(appVersion, deploymentMode, environment, osArch);
    }

    @Override
    public String toString() {
        return "version " + appVersion + ", mode " + deploymentMode + ", environment " + environment + ", " + osArch;
    }
}
