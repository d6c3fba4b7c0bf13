package dev.appauth.keycloak;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer rules of DESIGN.md, enforced: an arrow only runs down from rest/ (HTTP) over the use cases and
 * authenticators to the providers of the bundle's SPIs and the shared Redis code; the root package (domain
 * errors, failure classification) is used by all and uses none of them; no cycle between packages.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.appauth.keycloak";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void arrowsOnlyRunDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("Http").definedBy(ROOT + ".rest..", ROOT + ".console..")
                .layer("UseCases").definedBy(ROOT + ".lifecycle..")
                .layer("Policies").definedBy(ROOT + ".authenticator..", ROOT + ".policy..")
                .layer("Providers").definedBy(ROOT + ".store..", ROOT + ".ratelimit..", ROOT + ".email..", ROOT + ".token..", ROOT + ".hash..")
                .layer("Redis").definedBy(ROOT + ".redis..")
                .layer("Kernel").definedBy(ROOT)
                .whereLayer("Http").mayNotBeAccessedByAnyLayer()
                .whereLayer("UseCases").mayOnlyBeAccessedByLayers("Http")
                .whereLayer("Policies").mayOnlyBeAccessedByLayers("Http", "UseCases")
                .whereLayer("Providers").mayOnlyBeAccessedByLayers("Http", "UseCases", "Policies")
                .whereLayer("Redis").mayOnlyBeAccessedByLayers("Providers")
                .whereLayer("Kernel").mayNotAccessAnyLayer()
                .check(classes);
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void useCasesKnowNothingOfHttp() {
        // (the root's DependencyUnavailableException is a 503 WebApplicationException on purpose: Keycloak's own
        // endpoints answer it through their error handler). Authenticators answer with JAX-RS responses because
        // Keycloak's Authenticator contract is written in them; the use cases and policies have no such excuse.
        noClasses().that().resideInAnyPackage(ROOT + ".lifecycle..", ROOT + ".policy..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..", "org.keycloak.services.cors..")
                .check(classes);
    }

    /** Small files read as one idea each (DESIGN.md): a main source file that grows past this gets split. */
    @Test
    void noMainSourceFileOver300Lines() throws IOException {
        Path sources = Path.of("src/main/java");
        List<String> large;
        try (Stream<Path> files = Files.walk(sources)) {
            large = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lines(f) > 300)
                    .map(f -> sources.relativize(f) + " (" + lines(f) + ")")
                    .toList();
        }
        assertThat(large).isEmpty();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
