package dev.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonFieldsTest {

  @Test
  void readsTheTopLevelScalarsOfAnAnswerAndSkipsWhatIsNested() {
    JsonFields f =
        JsonFields.parse(
            "{\"id\": 42, \"schema\": \"{\\\"type\\\": \\\"string\\\"}\", \"is_compatible\": true,"
                + " \"messages\": [\"a\", {\"id\": 7}], \"nested\": {\"id\": 8},"
                + " \"ratio\": 0.5, \"none\": null, \"error_code\": \"40401\"}");

    assertThat(f.hasInteger("id")).isTrue();
    assertThat(f.integer("id", -1)).isEqualTo(42);
    assertThat(f.string("schema")).isEqualTo("{\"type\": \"string\"}");
    assertThat(f.bool("is_compatible", false)).isTrue();
    assertThat(f.text("ratio", "")).isEqualTo("0.5");
    assertThat(f.hasInteger("ratio")).isFalse();
    assertThat(f.text("none", "absent")).isEqualTo("absent");
    assertThat(f.text("messages", "absent")).as("an array is not a scalar").isEqualTo("absent");
    assertThat(f.integer("error_code", -1)).as("a number sent as a string").isEqualTo(40401);
    assertThat(f.string("id")).as("a number is not a JSON string").isNull();
  }

  @Test
  void anythingButAJsonObjectHasNoFields() {
    for (String body :
        new String[] {"", "  ", "<html>502 Bad Gateway</html>", "[1, 2]", "{\"id\": "}) {
      JsonFields f = JsonFields.parse(body);
      assertThat(f.hasInteger("id")).as(body).isFalse();
      assertThat(f.text("message", "fallback")).as(body).isEqualTo("fallback");
    }
  }

  @Test
  void aNumberOutsideIntRangeIsNoId() {
    JsonFields f = JsonFields.parse("{\"id\": 3000000000, \"big\": 1e400}");
    assertThat(f.hasInteger("id")).isFalse();
    assertThat(f.integer("id", -1)).isEqualTo(-1);
  }
}
