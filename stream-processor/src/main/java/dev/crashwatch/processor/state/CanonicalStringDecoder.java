package dev.crashwatch.processor.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder whose strings come from a {@link CanonicalStrings} table: Avro's readers ask the
 * decoder for each string ({@link #readString()}), and {@link BinaryDecoder} cannot be told to
 * share them, so this one hands every call to it but that one.
 */
final class CanonicalStringDecoder extends Decoder {

  private final CanonicalStrings strings;
  private final Utf8 scratch = new Utf8();
  private BinaryDecoder in;

  CanonicalStringDecoder(CanonicalStrings strings) {
    this.strings = strings;
  }

  /** Reads from {@code in} from now on (a reused binary decoder, see {@link #binary}). */
  CanonicalStringDecoder on(BinaryDecoder in) {
    this.in = in;
    return this;
  }

  /** The binary decoder read from, null before the first: for {@code DecoderFactory} to reuse. */
  BinaryDecoder binary() {
    return in;
  }

  @Override
  public String readString() throws IOException {
    Utf8 text = in.readString(scratch);
    return strings.of(text.getBytes(), text.getByteLength());
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return in.readString(old);
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return in.readBytes(old);
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return in.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return in.arrayNext();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return in.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return in.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }

  @Override
  public int remainingBytes() {
    return in.remainingBytes();
  }
}
