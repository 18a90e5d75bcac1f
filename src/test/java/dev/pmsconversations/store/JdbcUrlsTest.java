package dev.pmsconversations.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The store URL the start-up banner prints: the login a URL can carry is gone, every other setting stays. */
class JdbcUrlsTest {
    @Test
    void h2SettingsLoseUserAndPassword() {
        assertThat(JdbcUrls.withoutCredentials("jdbc:h2:file:./data/pms;USER=sa;PASSWORD=s3cret;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:./data/pms;MODE=PostgreSQL");
        assertThat(JdbcUrls.withoutCredentials("jdbc:h2:mem:test;password=s3cret")).isEqualTo("jdbc:h2:mem:test");
    }

    @Test
    void postgresqlLosesUserinfoAndLoginParameters() {
        assertThat(JdbcUrls.withoutCredentials("jdbc:postgresql://pms:s3cret@db:5432/pms?user=pms&password=s3cret&ssl=true&sslpassword=k3y"))
                .isEqualTo("jdbc:postgresql://db:5432/pms?ssl=true");
        assertThat(JdbcUrls.withoutCredentials("jdbc:postgresql://db/pms?Password=s3cret")).isEqualTo("jdbc:postgresql://db/pms");
    }

    @Test
    void aUrlWithoutLoginIsUnchanged() {
        assertThat(JdbcUrls.withoutCredentials("jdbc:postgresql://db:5432/pms?ssl=true&ApplicationName=pms"))
                .isEqualTo("jdbc:postgresql://db:5432/pms?ssl=true&ApplicationName=pms");
        assertThat(JdbcUrls.withoutCredentials("jdbc:h2:file:./data/pms-conversations")).isEqualTo("jdbc:h2:file:./data/pms-conversations");
    }
}
