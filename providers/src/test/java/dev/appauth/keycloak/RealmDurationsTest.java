package dev.appauth.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RealmDurationsTest {

    @Test
    void aValidValueIsUsed() {
        assertThat(RealmDurations.parse("60", 300)).isEqualTo(60);
        assertThat(RealmDurations.parse(" 1 ", 300)).isEqualTo(1);
        assertThat(RealmDurations.parse("3600", 300)).isEqualTo(3600);
    }

    @Test
    void missingMalformedOrOutOfRangeMeansTheDefault() {
        assertThat(RealmDurations.parse(null, 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("", 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("5m", 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("0", 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("-5", 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("3601", 300)).isEqualTo(300);
        assertThat(RealmDurations.parse("99999999999", 300)).isEqualTo(300);
    }
}
