package dev.crashwatch.serde;

import dev.crashwatch.serde.testdata.Kind;
import dev.crashwatch.serde.testdata.SampleEvent;
import dev.crashwatch.serde.testdata.Site;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Test records. {@link SampleEvent} is version 2 (generated from src/test/avro); version 1, without
 * the {@code ring} field, exists only as a schema resource, read generically.
 */
final class Samples {
  static final Schema V2 = SampleEvent.getClassSchema();
  static final Schema V1 = load("/schemas/SampleEvent-v1.avsc");

  private Samples() {}

  static Schema load(String resource) {
    try (InputStream in = Samples.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A specific (version 2) record; {@code i} varies every field. */
  static SampleEvent specific(int i) {
    return SampleEvent.newBuilder()
        .setDeviceId("device-" + i)
        .setTimeMs(1_721_361_000_000L + i)
        .setBootCount(i)
        .setKind(Kind.values()[i % Kind.values().length])
        .setBugcheckParams(List.of(0x50L, (long) i, -1L))
        .setComponents(components(i))
        .setModule(i % 2 == 0 ? null : "csagent.sys")
        .setSite(new Site("eu-west-" + i, i * 10))
        .setTampered(i % 3 == 0)
        .setCrashRate(i / 8.0)
        .setRing("ring-" + i)
        .build();
  }

  /** A generic record of {@code schema} (V1 or V2) with the same values as {@link #specific}. */
  static GenericRecord generic(Schema schema, int i) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("deviceId", "device-" + i);
    r.put("timeMs", 1_721_361_000_000L + i);
    r.put("bootCount", i);
    Schema kind = schema.getField("kind").schema();
    r.put("kind", new GenericData.EnumSymbol(kind, kind.getEnumSymbols().get(i % 3)));
    r.put("bugcheckParams", List.of(0x50L, (long) i, -1L));
    r.put("components", components(i));
    r.put("module", i % 2 == 0 ? null : "csagent.sys");
    GenericRecord site = new GenericData.Record(schema.getField("site").schema());
    site.put("region", "eu-west-" + i);
    site.put("rack", i * 10);
    r.put("site", site);
    r.put("tampered", i % 3 == 0);
    r.put("crashRate", i / 8.0);
    if (schema.getField("ring") != null) {
      r.put("ring", "ring-" + i);
    }
    return r;
  }

  /** Insertion-ordered: Avro writes map entries in iteration order, and byte equality needs one. */
  private static Map<String, String> components(int i) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("acme.sensor", "7.11." + i);
    m.put("acme.sensor-content", "C-00000291-" + i);
    m.put("windows", "10.0.19045");
    return m;
  }
}
