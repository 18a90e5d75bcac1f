package dev.pmsconversations.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poll's listing through Camel's own parallel split, as routes/sync-account.camel.yaml has it: when the listing fails
 * after handing out threads, the split ends only once those threads' reads have ended (an earlier end freed the
 * account's Quartz trigger while the reads ran, and another node polled the account at the same time), and the failure
 * reaches the poll; a stop ends the listing the same way; at most {@code slots} threads are read at once.
 */
class ReadSlotsTest {
    private static final int SLOTS = 2;
    private CamelContext camel;
    private ProducerTemplate template;
    private ExecutorService workers;
    /** Each thread's read: started, then ended after a PMS round trip. */
    private final ConcurrentLinkedQueue<String> reads = new ConcurrentLinkedQueue<>();
    private final Semaphore slots = new Semaphore(SLOTS);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        workers = Executors.newFixedThreadPool(SLOTS + 1);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("workers", workers);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:poll").split(body()).streaming().parallelProcessing().executorService("workers")
                        .process(e -> {
                            String id = e.getIn().getBody(ThreadRef.class).conversationId();
                            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            reads.add("start " + id);
                            Thread.sleep(300); // the thread's read: a PMS round trip
                            reads.add("end " + id);
                            inFlight.decrementAndGet();
                            slots.release(); // SyncService.threadDone
                        })
                        .end();
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        workers.shutdownNow();
    }

    @Test
    void aListingThatFailsEndsThePollOnlyAfterTheReadsItHandedOut() {
        RuntimeException pmsDown = new IllegalStateException("page 2: the PMS answered 503");
        org.apache.camel.Exchange polled = poll(slots(listing(List.of("t1", "t2"), pmsDown)));

        assertThat(List.copyOf(reads)).as("the split's end comes after both reads").hasSize(5).endsWith("split ended")
                .contains("start t1", "end t1", "start t2", "end t2");
        assertThat(polled.getException()).as("the split itself does not fail: the poll's failure is kept").isNull();
        assertThat(failure.get()).as("the listing's failure, kept for finishPoll").isSameAs(pmsDown);
    }

    @Test
    void aStopEndsTheListingAfterTheReadsInFlight() {
        Iterator<String> ids = List.of("t1", "t2", "t3", "t4", "t5").iterator();
        Iterator<ThreadRef> listing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return ids.hasNext();
            }

            @Override
            public ThreadRef next() {
                String id = ids.next();
                if (id.equals("t2")) {
                    stopping.set(true); // the runtime starts stopping while the listing goes on
                }
                return new ThreadRef(null, id, null);
            }
        };
        poll(slots(listing));

        assertThat(List.copyOf(reads)).as("nothing read after the stop began but the thread already handed out")
                .containsExactlyInAnyOrder("start t1", "end t1", "start t2", "end t2", "split ended").endsWith("split ended");
        assertThat(failure.get()).hasMessageContaining("the runtime is stopping");
    }

    @Test
    void atMostSlotsThreadsAreReadAtOnce() {
        poll(slots(listing(List.of("t1", "t2", "t3", "t4", "t5", "t6"), null)));

        assertThat(reads).filteredOn(r -> r.startsWith("end ")).hasSize(6);
        assertThat(mostInFlight.get()).isEqualTo(SLOTS);
        assertThat(failure.get()).isNull();
    }

    /** The poll's split; "split ended" once it returns, however it ended. */
    private org.apache.camel.Exchange poll(ReadSlots listing) {
        org.apache.camel.Exchange done = template.send("direct:poll", e -> e.getIn().setBody(listing));
        reads.add("split ended");
        return done;
    }

    private ReadSlots slots(Iterator<ThreadRef> listing) {
        return new ReadSlots(listing, slots, stopping::get, failure::set);
    }

    /** The threads, then {@code failure} thrown when asked for more (null: the listing simply ends). */
    private static Iterator<ThreadRef> listing(List<String> ids, RuntimeException failure) {
        Iterator<String> it = ids.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (!it.hasNext() && failure != null) {
                    throw failure;
                }
                return it.hasNext();
            }

            @Override
            public ThreadRef next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new ThreadRef(null, it.next(), null);
            }
        };
    }
}
