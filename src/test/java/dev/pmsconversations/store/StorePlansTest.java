package dev.pmsconversations.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pmsconversations.config.RuntimeConfig;
import dev.pmsconversations.delivery.DeliveryStore;
import dev.pmsconversations.outbox.OutboxStore;
import dev.pmsconversations.webhook.WebhookInbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * H2 plans a statement when a connection first prepares it and keeps the plan. A claim first prepared while its table
 * is empty must still find its row by primary key once the backlog is large: a plan through a status index walks
 * every waiting row on each claim (it did, for webhooks: seconds-long stalls at ~80,000 waiting deliveries).
 */
class StorePlansTest {
    private static final Pattern FIRST_INDEX = Pattern.compile("/\\* PUBLIC\\.([A-Z0-9_]+)");

    @Test
    void claimsFindTheirRowByPrimaryKeyOnAnEmptyStore() throws Exception {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, null));
             Connection c = store.dataSource().getConnection()) {
            // the hazard is real: the plain form of the webhook claim goes through the status index here
            assertThat(indexOf(c, "update webhook_event set status = 'PROCESSING' where id = ? and status = 'RECEIVED'"))
                    .isEqualTo("WEBHOOK_EVENT_STATUS");

            assertThat(indexOf(c, WebhookInbox.CLAIM)).startsWith("PRIMARY_KEY");
            assertThat(indexOf(c, OutboxStore.CLAIM)).startsWith("PRIMARY_KEY");
            assertThat(indexOf(c, OutboxStore.RECLAIM_STALE)).startsWith("PRIMARY_KEY");
            assertThat(indexOf(c, DeliveryStore.CLAIM)).startsWith("PRIMARY_KEY");
        }
    }

    /** Each webhook asks whether its conversation has a delivery waiting: by conversation, not by every waiting one. */
    @Test
    void theWaitingDeliveryOfAConversationIsFoundByItsIndexOnAnEmptyStore() throws Exception {
        try (StateStore store = new StateStore(new RuntimeConfig.StoreConfig("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, null));
             Connection c = store.dataSource().getConnection()) {
            assertThat(indexOf(c, WebhookInbox.WAITING)).isEqualTo("WEBHOOK_EVENT_CONVERSATION");
        }
    }

    /** The index H2's plan reads the updated table through (the first one the plan names). */
    private static String indexOf(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("explain " + sql)) {
            for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) {
                ps.setObject(i, null);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Matcher m = FIRST_INDEX.matcher(rs.getString(1));
                assertThat(m.find()).as("a plan naming an index: %s", rs.getString(1)).isTrue();
                return m.group(1);
            }
        }
    }
}
