package dev.appauth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderTimestampsTest {

    @Test
    void rebuiltButIdenticalJarKeepsItsTimeAndAChangedOneDoesNot(@TempDir Path home) throws Exception {
        Path jar = home.resolve("providers/app-auth-providers.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "v1");
        FileTime first = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(jar, first);
        ProviderTimestamps.stabilize(home);

        // the same bytes, written again by a later build
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_100_000L));
        ProviderTimestamps.stabilize(home);
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(first);

        Files.writeString(jar, "v2");
        FileTime changed = FileTime.fromMillis(1_700_000_200_000L);
        Files.setLastModifiedTime(jar, changed);
        ProviderTimestamps.stabilize(home);
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(changed);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_300_000L));
        ProviderTimestamps.stabilize(home);
        assertThat(Files.getLastModifiedTime(jar)).isEqualTo(changed);
    }

    @Test
    void noProvidersDirectoryIsFine(@TempDir Path home) throws Exception {
        ProviderTimestamps.stabilize(home);
        assertThat(home.resolve(ProviderTimestamps.RECORD)).doesNotExist();
    }
}
