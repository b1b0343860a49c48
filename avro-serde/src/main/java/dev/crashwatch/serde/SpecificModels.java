package dev.crashwatch.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.FastReaderBuilder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@link SpecificData} for a generated class that the application chose, with the class's named
 * types (itself, nested records, enums, fixed) resolved up front.
 *
 * <p>Why: since 1.12 Avro loads a class by a schema's name only if its package is trusted through
 * the {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property, so that a schema from outside
 * cannot choose classes to instantiate. Here the application named the class (a typed deserializer,
 * or the record it hands to the serializer), and the names come from that class's own compiled
 * schema, not from the wire: they are trusted by construction, and the serde works without a
 * JVM-wide flag. Classes chosen by a writer's schema ({@code specific.avro.reader} without a class)
 * still go through Avro's check.
 */
public final class SpecificModels {
  private SpecificModels() {}

  private static final ClassValue<SpecificData> MODELS =
      new ClassValue<>() {
        @Override
        protected SpecificData computeValue(Class<?> type) {
          return build(type);
        }
      };

  private static final ClassValue<SpecificData> GENERATED_ENCODER_MODELS =
      new ClassValue<>() {
        @Override
        protected SpecificData computeValue(Class<?> type) {
          SpecificData model = build(type);
          model.setCustomCoders(true);
          return model;
        }
      };

  /** The model for {@code type}, a generated SpecificRecord class; cached per class. */
  public static SpecificData forClass(Class<?> type) {
    return MODELS.get(type);
  }

  /**
   * The model of {@link #forClass}, with which a {@code SpecificDatumWriter} hands each record that
   * has them to its class's generated encoder ({@code customEncode}) instead of walking the schema.
   * Only for a writer whose schema is the class's own: the generated encoder writes the class's
   * fields whatever schema the writer was given.
   *
   * <p>Why: the processor writes a device state per event at full scale; the generated encoder
   * writes one in about two thirds of the time (the bytes are the same, {@code
   * InternalAvroSerdeTest}). Avro reads the switch from a JVM-wide system property by default; here
   * it is set on this model alone, so no other writer changes.
   */
  public static SpecificData withGeneratedEncoders(Class<?> type) {
    return GENERATED_ENCODER_MODELS.get(type);
  }

  private static SpecificData build(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    Map<String, Class<?>> classes = new HashMap<>();
    collect(SpecificData.get().getSchema(type), loader, classes);
    KnownClasses model = new KnownClasses(loader, classes);
    // The generated MODEL$ carries the logical-type conversions the class was built with.
    SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
    return model;
  }

  /**
   * A reader of records written with {@code writer} into the generated classes of {@code reader},
   * on the trusted model of {@code type}, built with Avro's fast reader ({@link
   * FastReaderBuilder}).
   *
   * <p>Why not a {@code SpecificDatumReader}: Avro switches to its fast reader only for a model of
   * exactly the class {@code GenericData} or {@code SpecificData} ({@code
   * FastReaderBuilder.isSupportedData}), so with the trusted model, a subclass, it falls back to
   * its schema-interpreting {@code ResolvingDecoder}: measured on the processor's state records,
   * that path cost about twice the fast reader's time. The fast reader takes the model as it is, so
   * the classes stay resolved by the application, with no JVM-wide {@code
   * org.apache.avro.SERIALIZABLE_PACKAGES} flag. Thread-safe once built.
   */
  public static <T> DatumReader<T> fastReader(Schema writer, Schema reader, Class<?> type) {
    try {
      return new Scoped<>(new FastReaderBuilder(forClass(type)).createDatumReader(writer, reader));
    } catch (IOException e) {
      // building a reader reads no data; Avro declares the exception for its default values
      throw new UncheckedIOException(
          "cannot build an Avro reader of " + writer.getFullName() + " into " + type.getName(), e);
    }
  }

  /**
   * Opens Avro's collection-allocation scope around each read, as {@code GenericDatumReader} does
   * before it hands over to the fast reader: the scope bounds what the maps and arrays of one
   * record may allocate, and it is reset only when a scope closes, so without it the count would
   * grow over every record a thread ever read.
   */
  private record Scoped<T>(DatumReader<T> fast) implements DatumReader<T> {
    @Override
    public void setSchema(Schema schema) {
      fast.setSchema(schema);
    }

    @Override
    public T read(T reuse, Decoder in) throws IOException {
      SystemLimitException.beginCollectionAllocationScope();
      try {
        return fast.read(reuse, in);
      } finally {
        SystemLimitException.endCollectionAllocationScope();
      }
    }
  }

  private static void collect(Schema schema, ClassLoader loader, Map<String, Class<?>> classes) {
    switch (schema.getType()) {
      case RECORD -> {
        if (classes.containsKey(schema.getFullName())) {
          return; // recursive types
        }
        resolve(schema, loader, classes, SpecificRecord.class);
        for (Schema.Field field : schema.getFields()) {
          collect(field.schema(), loader, classes);
        }
      }
      case ENUM -> resolve(schema, loader, classes, Enum.class);
      case FIXED -> resolve(schema, loader, classes, GenericFixed.class);
      case ARRAY -> collect(schema.getElementType(), loader, classes);
      case MAP -> collect(schema.getValueType(), loader, classes);
      case UNION -> schema.getTypes().forEach(t -> collect(t, loader, classes));
      default -> {}
    }
  }

  private static void resolve(
      Schema schema, ClassLoader loader, Map<String, Class<?>> classes, Class<?> kind) {
    try {
      // initialize=false: nothing runs until the class is known to be of the expected kind.
      Class<?> c = Class.forName(SpecificData.getClassName(schema), false, loader);
      classes.put(schema.getFullName(), kind.isAssignableFrom(c) ? c : null);
    } catch (ClassNotFoundException e) {
      classes.put(schema.getFullName(), null); // left to Avro's own lookup
    }
  }

  private static final class KnownClasses extends SpecificData {
    private final Map<String, Class<?>> classes;

    KnownClasses(ClassLoader loader, Map<String, Class<?>> classes) {
      super(loader);
      this.classes = classes;
    }

    @SuppressWarnings("rawtypes")
    @Override
    public Class getClass(Schema schema) {
      switch (schema.getType()) {
        case RECORD, ENUM, FIXED -> {
          Class<?> known = classes.get(schema.getFullName());
          if (known != null) {
            return known;
          }
        }
        default -> {}
      }
      return super.getClass(schema);
    }
  }
}
