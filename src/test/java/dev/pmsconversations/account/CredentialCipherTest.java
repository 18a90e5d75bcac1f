package dev.pmsconversations.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials at rest: what one account's ciphertext opens to, and what it does not open with. */
class CredentialCipherTest {
    private static final String KEY = "first-key-0123456789abcdef";
    private static final String SECRET = "{\"clientSecret\":\"s3cr3t-value\"}";

    @Test
    void aCiphertextOpensForItsAccountUnderItsKeyOnly() {
        CredentialCipher cipher = new CredentialCipher(KEY);
        String sealed = cipher.encrypt("acc-1", SECRET);
        assertThat(sealed).doesNotContain("s3cr3t");
        assertThat(cipher.encrypt("acc-1", SECRET)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(cipher.decrypt("acc-1", cipher.keyId(), sealed)).isEqualTo(SECRET);
        // bound to the account: a row's ciphertext copied onto another account does not open
        assertThatThrownBy(() -> cipher.decrypt("acc-2", cipher.keyId(), sealed)).hasMessageContaining("acc-2")
                .hasMessageNotContaining("s3cr3t");
        // altered: refused, not read as garbage
        String altered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> cipher.decrypt("acc-1", cipher.keyId(), altered)).hasMessageContaining("do not decrypt");
    }

    @Test
    void anotherKeyIsNamedByItsIdAndAPreviousKeyStillOpens() {
        CredentialCipher first = new CredentialCipher(KEY);
        String sealed = first.encrypt("acc-1", SECRET);
        CredentialCipher second = new CredentialCipher("second-key-0123456789abcdef");
        assertThat(second.keyId()).isNotEqualTo(first.keyId()).hasSize(8);
        assertThatThrownBy(() -> second.decrypt("acc-1", first.keyId(), sealed))
                .hasMessageContaining(first.keyId()).hasMessageContaining(second.keyId()).hasMessageNotContaining(KEY);
        CredentialCipher rotating = new CredentialCipher("second-key-0123456789abcdef", List.of(KEY));
        assertThat(rotating.decrypt("acc-1", first.keyId(), sealed)).isEqualTo(SECRET);
        assertThat(rotating.decrypt("acc-1", rotating.keyId(), rotating.encrypt("acc-1", SECRET))).isEqualTo(SECRET);
        assertThatThrownBy(() -> new CredentialCipher("short")).hasMessageContaining("16 characters");
    }
}
