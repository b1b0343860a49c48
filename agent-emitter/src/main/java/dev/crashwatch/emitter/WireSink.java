package dev.crashwatch.emitter;

/**
 * A sink that can also put bytes on the wire as they are: the simulator needs it to play garbage
 * records (FORMAT.md's {@code malformed}). An endpoint emitter is never one, so that nothing on a
 * real host can bypass the serializer.
 */
public interface WireSink extends EventSink {

  /** Bytes as they are, for records that are garbage on the wire. */
  void sendRaw(String topic, byte[] key, byte[] value, long timestamp);
}
