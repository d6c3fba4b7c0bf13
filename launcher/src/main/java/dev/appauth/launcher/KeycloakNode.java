package dev.appauth.launcher;

import java.nio.file.Path;

/**
 * One Keycloak node of a stack: its ports, its command line and its current process. A node can be killed and
 * started again with the same command line (same ports, same JGroups address), as an operator would restart it.
 */
final class KeycloakNode {

    private final int index;
    private final int httpPort;
    private final int managementPort;
    private final int jgroupsPort;
    private final Path logFile;
    private final ProcessFactory factory;
    private volatile KeycloakProcess process;

    /** Builds the process of this node; called again for a restart. */
    @FunctionalInterface
    interface ProcessFactory {
        KeycloakProcess create(KeycloakNode node);
    }

    KeycloakNode(int index, int httpPort, int managementPort, int jgroupsPort, Path logFile, ProcessFactory factory) {
        this.index = index;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.jgroupsPort = jgroupsPort;
        this.logFile = logFile;
        this.factory = factory;
    }

    /** 1-based. */
    int index() {
        return index;
    }

    int httpPort() {
        return httpPort;
    }

    int managementPort() {
        return managementPort;
    }

    /** 0 for a single node (local caches). */
    int jgroupsPort() {
        return jgroupsPort;
    }

    /** Where this node's console output goes; null: inherited. */
    Path logFile() {
        return logFile;
    }

    KeycloakProcess process() {
        return process;
    }

    /** A new process for this node (not started yet); it becomes the node's current one. */
    KeycloakProcess newProcess() {
        process = factory.create(this);
        return process;
    }

    /**
     * Node 1 writes to the configured log file, node i to the same name with {@code -node<i>} before the extension
     * (keycloak-it.log, keycloak-it-node2.log).
     */
    static Path logFile(Path configured, int index) {
        if (configured == null || index == 1) {
            return configured;
        }
        String name = configured.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String nodeName = dot > 0 ? name.substring(0, dot) + "-node" + index + name.substring(dot) : name + "-node" + index;
        return configured.resolveSibling(nodeName);
    }
}
