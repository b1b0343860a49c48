package dev.crashwatch.emitter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The one place the spool writes record bytes: a seam so tests can make the disk "fill up" part way
 * through a record, which a real test machine cannot be made to do on demand.
 */
@FunctionalInterface
interface ChannelWrites {

  ChannelWrites DIRECT = FileChannel::write;

  /** Like {@link FileChannel#write(ByteBuffer, long)}: may write fewer bytes than remain. */
  int write(FileChannel channel, ByteBuffer source, long position) throws IOException;
}
