package dev.pmsconversations.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pmsconversations.mapping.NativeBundle;
import dev.pmsconversations.model.Conversation;
import dev.pmsconversations.model.Json;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Maps one source's golden fixture: the engine (compiled mappings/<source>.yaml, as the runtime and the map command
 * call it), a hand-written Jackson mapper, and a JSONata expression. Inputs are parsed in setup, so the plain
 * benchmarks measure mapping; the *FromString ones add Jackson's parse, as a poll does per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MappingBenchmark {
    @Param({"hostaway", "guesty", "bookingsync"})
    public String source;

    private BenchFixture fixture;
    private HandMapper hand;
    private JsonataMapper jsonata;

    @Setup
    public void setup() {
        fixture = BenchFixture.load(source);
        hand = HandMapper.of(source);
        jsonata = new JsonataMapper(source);
        Conversation reference = engine();
        SameOutput.checkGolden(fixture, reference);
        SameOutput.check(fixture, reference, handWritten(), "hand-written");
        SameOutput.check(fixture, reference, jsonata(), "JSONata");
        SameOutput.check(fixture, reference, engineFromString(), "engine from text");
        SameOutput.check(fixture, reference, handWrittenFromString(), "hand-written from text");
    }

    @Benchmark
    public Conversation engine() {
        return fixture.mapping().map(NativeBundle.fromJson(fixture.tree()));
    }

    @Benchmark
    public Conversation handWritten() {
        return hand.map(fixture.tree());
    }

    @Benchmark
    public Conversation jsonata() {
        return jsonata.map(fixture.plain());
    }

    @Benchmark
    public Conversation engineFromString() {
        return fixture.mapping().map(NativeBundle.fromJson(parse()));
    }

    @Benchmark
    public Conversation handWrittenFromString() {
        return hand.map(parse());
    }

    private com.fasterxml.jackson.databind.JsonNode parse() {
        try {
            return Json.MAPPER.readTree(fixture.raw());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
