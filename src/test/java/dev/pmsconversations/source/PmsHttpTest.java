package dev.pmsconversations.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PmsHttpTest {
    /** Found by the fuzzer: a webhook URL with {@code ?token=%} was answered 500 (URLDecoder's exception). */
    @Test
    void aBrokenEscapeIsKeptAsWritten() {
        assertThat(PmsHttp.decode("token=%&a=b%20c&%zz=1")).containsEntry("token", "%").containsEntry("a", "b c").containsEntry("%zz", "1");
    }
}
