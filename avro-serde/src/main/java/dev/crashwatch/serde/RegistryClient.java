package dev.crashwatch.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A caching client for the Confluent Schema Registry REST API, as served by Confluent's registry
 * and by Apicurio's compatibility API ({@code /apis/ccompat/v7}). Thread-safe; share one per
 * process and registry.
 *
 * <p>After warm-up the serde's hot path ({@link #register}, {@link #lookupId}, {@link #schemaById})
 * is answered from memory; {@link #httpRequestCount()} proves it in tests.
 *
 * <p>It speaks HTTP through {@link HttpURLConnection}, not the JDK's {@code HttpClient}: a registry
 * is asked once per schema, and {@code HttpClient} costs every process (the endpoint emitter above
 * all) a selector thread that wakes every few seconds, several hundred classes, and the JDK's
 * default TLS context with its parsed CA certificates even when the registry's URL is plain HTTP.
 * TLS classes load here only for an {@code https} URL. JSON bodies are written with jackson-core's
 * generator and answers read with its streaming parser ({@link JsonFields}), not jackson-databind:
 * the endpoint emitter, which registers its schemas as text ({@link #register(String, String,
 * String)}), then never loads databind at all.
 */
public final class RegistryClient {
  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);

  /** Confluent's media types first; plain JSON (what Apicurio often answers) last. */
  public static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9,"
          + " application/json; q=0.5";

  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Confluent error codes that mean "nothing registered under this subject (yet)". */
  private static final int SUBJECT_NOT_FOUND = 40401;

  private static final int VERSION_NOT_FOUND = 40402;

  private final List<String> urls;
  private final AtomicInteger activeUrl = new AtomicInteger();
  private final Optional<SSLSocketFactory> tls;
  private final Optional<String> authorization;
  private final SerdeConfig config;
  private final Backoff backoff;
  private final BoundedCache<Integer, Schema> schemasById;
  private final BoundedCache<SubjectSchema, Integer> idsBySchema;
  private final BoundedCache<SubjectText, Integer> idsByText;
  private final AtomicLong httpRequests = new AtomicLong();

  private static final JsonFactory JSON = new JsonFactory();

  private record SubjectSchema(String subject, Schema schema) {}

  private record SubjectText(String subject, String schemaText) {}

  private record Answer(String method, String url, int status, JsonFields body, String text) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    int errorCode() {
      return body.integer("error_code", RegistryException.NONE);
    }

    /** "POST <url> answered 409 (error_code 409): <message>" */
    String describe() {
      String message = body.text("message", text);
      int code = errorCode();
      return method
          + " "
          + url
          + " answered "
          + status
          + (code == RegistryException.NONE ? "" : " (error_code " + code + ")")
          + (message.isEmpty() ? "" : ": " + abbreviate(message));
    }
  }

  public RegistryClient(Map<String, ?> configs) {
    this(new SerdeConfig(configs));
  }

  public RegistryClient(SerdeConfig config) {
    this.config = config;
    this.urls = config.registryUrls();
    if (urls.isEmpty()) {
      throw new ConfigException(
          SerdeConfig.SCHEMA_REGISTRY_URL, "", "required: the schema registry's base URL");
    }
    this.authorization = config.basicAuthUserInfo().map(BasicAuth::header);
    // Empty: an https URL gets the JDK's default TLS context, built on first use.
    this.tls = SslContexts.fromConfig(config).map(c -> c.getSocketFactory());
    this.backoff = config.backoff();
    this.schemasById = new BoundedCache<>(config.cacheCapacity());
    this.idsBySchema = new BoundedCache<>(config.cacheCapacity());
    this.idsByText = new BoundedCache<>(config.cacheCapacity());
  }

  /** A client with default settings for one registry base URL. */
  public static RegistryClient forUrl(String url) {
    return new RegistryClient(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url));
  }

  /**
   * Registers {@code schema} under {@code subject} (POST /subjects/{subject}/versions) and returns
   * its global id; registering an already registered schema returns the existing id. Sends Avro's
   * canonical text, {@link Schema#toString()}, exactly what Confluent's Java serializer sends: a
   * registry that compares text (Apicurio) would give the same schema with other whitespace a new
   * id.
   *
   * @throws IncompatibleSchemaException if the subject's compatibility rule refuses it (409, and
   *     the schema is not registered under the subject after all)
   */
  public int register(String subject, Schema schema) {
    return idsBySchema.getOrLoad(
        new SubjectSchema(subject, schema),
        key -> remember(registerText(subject, schema.toString(), schema.getFullName()), schema));
  }

  /**
   * {@link #register(String, Schema)} for a schema held as text, named {@code recordFullName} in
   * messages: for a producer that encodes without Avro's schema classes (the endpoint emitter). The
   * text is sent as it is, so it should be Avro's {@code Schema.toString()} of the schema; cached
   * by text.
   */
  public int register(String subject, String schemaText, String recordFullName) {
    return idsByText.getOrLoad(
        new SubjectText(subject, schemaText),
        key -> registerText(subject, schemaText, recordFullName));
  }

  private int registerText(String subject, String schemaText, String recordFullName) {
    Answer a = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schemaText));
    if (a.status == 409) {
      // Apicurio answers 409 "already exists" to the second of two clients registering the
      // first schema of a subject at once (two stream threads dead-lettering for the first
      // time): if the schema is there now, that client registered this very schema.
      Answer found = send("POST", "/subjects/" + encode(subject), schemaBody(schemaText));
      if (found.status != 404) { // any other failure is reported as itself
        return idOf(found, "look up schema under subject " + subject);
      }
      throw new IncompatibleSchemaException(
          "schema "
              + recordFullName
              + " is incompatible with subject "
              + subject
              + ": "
              + a.describe(),
          a.url,
          a.status,
          a.errorCode());
    }
    return idOf(a, "register schema under subject " + subject);
  }

  /**
   * The id of {@code schema} if it is already registered under {@code subject} (POST
   * /subjects/{subject}); never registers.
   *
   * @throws RegistryException with {@link SerdeError#SCHEMA_NOT_REGISTERED} if it is not
   */
  public int lookupId(String subject, Schema schema) {
    return idsBySchema.getOrLoad(
        new SubjectSchema(subject, schema),
        key -> remember(lookupText(subject, schema.toString(), schema.getFullName()), schema));
  }

  /**
   * {@link #lookupId(String, Schema)} for a schema held as text: see {@link #register(String,
   * String, String)}.
   */
  public int lookupId(String subject, String schemaText, String recordFullName) {
    return idsByText.getOrLoad(
        new SubjectText(subject, schemaText),
        key -> lookupText(subject, schemaText, recordFullName));
  }

  private int lookupText(String subject, String schemaText, String recordFullName) {
    Answer a = send("POST", "/subjects/" + encode(subject), schemaBody(schemaText));
    if (a.status == 404) {
      throw new RegistryException(
          SerdeError.SCHEMA_NOT_REGISTERED,
          "schema "
              + recordFullName
              + " is not registered under subject "
              + subject
              + " and "
              + SerdeConfig.AUTO_REGISTER_SCHEMAS
              + " is false: "
              + a.describe(),
          a.url,
          a.status,
          a.errorCode(),
          null);
    }
    return idOf(a, "look up schema under subject " + subject);
  }

  /**
   * The schema with global id {@code id} (GET /schemas/ids/{id}).
   *
   * @throws RegistryException with {@link SerdeError#UNKNOWN_SCHEMA_ID} if the registry does not
   *     know it
   */
  public Schema schemaById(int id) {
    return schemasById.getOrLoad(
        id,
        key -> {
          Answer a = send("GET", "/schemas/ids/" + id, null);
          if (a.status == 404) {
            throw new RegistryException(
                SerdeError.UNKNOWN_SCHEMA_ID,
                "schema id " + id + " is unknown to the registry at " + a.url + ": " + a.describe(),
                a.url,
                a.status,
                a.errorCode(),
                null);
          }
          requireOk(a, "fetch schema id " + id);
          String type = a.body.text("schemaType", "AVRO");
          if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryException(
                SerdeError.SCHEMA_MISMATCH,
                "schema id " + id + " is a " + type + " schema, not Avro (" + a.url + ")",
                a.url,
                a.status,
                RegistryException.NONE,
                null);
          }
          try {
            return new Schema.Parser().parse(a.body.text("schema", ""));
          } catch (SchemaParseException e) {
            throw new RegistryException(
                SerdeError.REGISTRY_ERROR,
                "schema id " + id + " from " + a.url + " is not valid Avro: " + e.getMessage(),
                a.url,
                a.status,
                RegistryException.NONE,
                e);
          }
        });
  }

  /**
   * Whether registering {@code schema} under {@code subject} would pass the subject's compatibility
   * rule against its latest version (POST /compatibility/subjects/{subject}/versions/latest). A
   * subject with no versions yet accepts anything, so that is {@code true}. Not cached.
   */
  public boolean isCompatible(String subject, Schema schema) {
    Answer a =
        send(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/latest",
            schemaBody(schema.toString()));
    if (a.status == 404
        && (a.errorCode() == SUBJECT_NOT_FOUND || a.errorCode() == VERSION_NOT_FOUND)) {
      return true;
    }
    requireOk(a, "check compatibility for subject " + subject);
    return a.body.bool("is_compatible", false);
  }

  /**
   * The subject-level compatibility level (GET /config/{subject}), empty if the subject has none:
   * Confluent answers 404 then, Apicurio answers 200 with its effective level. Informational only:
   * Apicurio may report NONE while a global BACKWARD rule is enforced; registration (409) is what
   * counts.
   */
  public Optional<String> subjectCompatibility(String subject) {
    Answer a = send("GET", "/config/" + encode(subject), null);
    if (a.status == 404) {
      return Optional.empty();
    }
    requireOk(a, "read the config of subject " + subject);
    return Optional.ofNullable(a.body.string("compatibilityLevel"));
  }

  /** Sets the subject-level compatibility level (PUT /config/{subject}); returns the level set. */
  public String setSubjectCompatibility(String subject, String level) {
    Answer a = send("PUT", "/config/" + encode(subject), Map.of("compatibility", level));
    requireOk(a, "set the compatibility of subject " + subject + " to " + level);
    return a.body.text("compatibility", level);
  }

  /** HTTP requests sent so far, retries included. */
  public long httpRequestCount() {
    return httpRequests.get();
  }

  /** The configured base URLs, fail-overs after the first. */
  public List<String> urls() {
    return urls;
  }

  @Override
  public String toString() {
    return "RegistryClient" + urls;
  }

  private int idOf(Answer a, String what) {
    requireOk(a, what);
    if (!a.body.hasInteger("id")) {
      throw new RegistryException(
          SerdeError.REGISTRY_ERROR,
          "cannot " + what + ": no schema id in the answer of " + a.describe(),
          a.url,
          a.status,
          RegistryException.NONE,
          null);
    }
    return a.body.integer("id", 0);
  }

  /** The registry just vouched that {@code id} is {@code schema}: saves a reader the fetch. */
  private int remember(int id, Schema schema) {
    schemasById.put(id, schema);
    return id;
  }

  private void requireOk(Answer a, String what) {
    if (!a.ok()) {
      throw new RegistryException(
          a.status == 401 || a.status == 403
              ? SerdeError.REGISTRY_UNAUTHORIZED
              : SerdeError.REGISTRY_ERROR,
          "cannot " + what + ": " + a.describe(),
          a.url,
          a.status,
          a.errorCode(),
          null);
    }
  }

  private static Map<String, String> schemaBody(String schemaText) {
    return Map.of("schema", schemaText);
  }

  /** Subjects become one path segment: '/', spaces etc. are percent-encoded. */
  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends one request, retrying connect errors, timeouts, 5xx and 429 with backoff; the next retry
   * goes to the next configured URL after a connection failure. Other answers, 4xx included, are
   * returned for the caller to interpret: retrying them cannot help.
   */
  private Answer send(String method, String path, Map<String, String> body) {
    byte[] payload = toJson(body);
    IOException lastFailure = null;
    Answer lastAnswer = null;
    int attempts = config.maxRetries() + 1;
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        sleep(backoff.delayMs(attempt - 1));
      }
      String url = urls.get(Math.floorMod(activeUrl.get(), urls.size())) + path;
      if (Thread.currentThread().isInterrupted()) {
        // Blocking socket I/O does not notice an interrupt: stop here, as a sleep would.
        throw interrupted(new InterruptedException("before " + method + " " + url));
      }
      try {
        httpRequests.incrementAndGet();
        lastAnswer = exchange(method, url, payload);
        if (lastAnswer.status < 500 && lastAnswer.status != 429) {
          return lastAnswer;
        }
        log.warn("Registry {}; attempt {} of {}", lastAnswer.describe(), attempt + 1, attempts);
      } catch (IOException e) {
        lastFailure = e;
        lastAnswer = null;
        activeUrl.incrementAndGet();
        log.warn(
            "Registry {} {} failed: {}; attempt {} of {}",
            method,
            url,
            causes(e),
            attempt + 1,
            attempts);
      }
    }
    // A registry that is down and one that keeps answering 5xx are the same for the caller: retry
    // later, do not dead-letter the record.
    if (lastAnswer != null) {
      throw new RegistryException(
          SerdeError.REGISTRY_UNREACHABLE,
          "registry unavailable after " + attempts + " attempts: " + lastAnswer.describe(),
          lastAnswer.url,
          lastAnswer.status,
          lastAnswer.errorCode(),
          null);
    }
    throw new RegistryException(
        SerdeError.REGISTRY_UNREACHABLE,
        "registry "
            + String.join(", ", urls)
            + " unreachable after "
            + attempts
            + " attempts ("
            + method
            + " "
            + path
            + "): "
            + causes(lastFailure),
        urls.get(0) + path,
        RegistryException.NONE,
        RegistryException.NONE,
        lastFailure);
  }

  /**
   * One HTTP/1.1 request on a connection from the JDK's keep-alive pool (a body read to its end
   * returns the connection to it). No proxy, as before with the JDK's {@code HttpClient}. The
   * request timeout bounds each wait for the answer's bytes. The body is buffered, not streamed: in
   * streaming mode a 401 to a POST surfaces as an exception instead of the answer.
   */
  private Answer exchange(String method, String url, byte[] payload) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
    try {
      if (c instanceof HttpsURLConnection https) {
        tls.ifPresent(https::setSSLSocketFactory);
      }
      c.setConnectTimeout(Math.toIntExact(config.connectTimeout().toMillis()));
      c.setReadTimeout(Math.toIntExact(config.requestTimeout().toMillis()));
      c.setUseCaches(false);
      c.setInstanceFollowRedirects(false);
      c.setRequestMethod(method);
      c.setRequestProperty("Accept", ACCEPT);
      authorization.ifPresent(h -> c.setRequestProperty("Authorization", h));
      if (payload != null) {
        c.setRequestProperty("Content-Type", CONTENT_TYPE);
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write(payload);
        }
      }
      int status = c.getResponseCode();
      byte[] body;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        body = in == null ? new byte[0] : in.readAllBytes();
      }
      return answer(method, url, status, body);
    } catch (IOException e) {
      c.disconnect(); // a half-read connection must not go back to the pool
      throw e;
    }
  }

  /** Parses any JSON answer whatever its content type; keeps non-JSON bodies as text. */
  private Answer answer(String method, String url, int status, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return new Answer(method, url, status, JsonFields.parse(text), text);
  }

  /** A flat JSON object of strings, written by jackson-core's generator (no data binding). */
  private byte[] toJson(Map<String, String> body) {
    if (body == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      for (Map.Entry<String, String> field : body.entrySet()) {
        g.writeStringField(field.getKey(), field.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return bytes.toByteArray();
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private RegistryException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new RegistryException(
        SerdeError.REGISTRY_UNREACHABLE,
        "interrupted while talking to the registry " + String.join(", ", urls),
        urls.get(0),
        RegistryException.NONE,
        RegistryException.NONE,
        e);
  }

  /**
   * "ConnectException <- ClosedChannelException: ..."; the JDK often leaves the top message null.
   */
  static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 500; c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }
}
