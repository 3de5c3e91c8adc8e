package org.atrium.emulator.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateCodecTest {
    record Inner(int a, long b) {}

    record Sample(
            boolean flag,
            int number,
            long wide,
            byte[] bytes,
            int[] ints,
            String text,
            List<Integer> list,
            List<Inner> inners,
            Inner maybe) {
        Sample {
            if (number < 0) {
                throw new IllegalArgumentException("number must not be negative");
            }
        }
    }

    record OtherLayout(boolean flag, int count) {}

    private static Sample sample() {
        return new Sample(
                true,
                42,
                -7L,
                new byte[] {1, 2, 3},
                new int[] {0xCAFEBABE},
                "ünïcode",
                List.of(5, 6),
                List.of(new Inner(1, 2), new Inner(3, 4)),
                null);
    }

    @Test
    void aRecordRoundTripsThroughItsBytes() throws Exception {
        byte[] bytes = StateCodec.encode(sample());
        Sample back = StateCodec.decode(Sample.class, bytes);
        assertArrayEquals(bytes, StateCodec.encode(back));
        assertEquals(42, back.number());
        assertEquals("ünïcode", back.text());
        assertEquals(List.of(new Inner(1, 2), new Inner(3, 4)), back.inners());
        assertNull(back.maybe());
        assertArrayEquals(new byte[] {1, 2, 3}, back.bytes());
    }

    @Test
    void theLayoutIsPartOfTheFingerprint() {
        assertNotEquals(
                StateCodec.fingerprint(Sample.class), StateCodec.fingerprint(OtherLayout.class));
        byte[] bytes = StateCodec.encode(new OtherLayout(true, 1));
        SnapshotFormatException e =
                assertThrows(
                        SnapshotFormatException.class,
                        () -> StateCodec.decode(Sample.class, bytes));
        assertTrue(e.getMessage().contains("another layout"), e.getMessage());
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] bytes = StateCodec.encode(sample());
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThrows(SnapshotFormatException.class, () -> StateCodec.decode(Sample.class, cut));
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bytes =
                Arrays.copyOf(StateCodec.encode(sample()), StateCodec.encode(sample()).length + 1);
        SnapshotFormatException e =
                assertThrows(
                        SnapshotFormatException.class,
                        () -> StateCodec.decode(Sample.class, bytes));
        assertTrue(e.getMessage().contains("left over"), e.getMessage());
    }

    @Test
    void aHugeCountAllocatesNothingAndIsRefused() {
        byte[] bytes = StateCodec.encode(sample());
        // The byte[] count follows fingerprint (4), flag (1), number (4) and wide (8).
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(17, Integer.MAX_VALUE);
        SnapshotFormatException e =
                assertThrows(
                        SnapshotFormatException.class,
                        () -> StateCodec.decode(Sample.class, bytes));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(17, -1);
        assertThrows(SnapshotFormatException.class, () -> StateCodec.decode(Sample.class, bytes));
    }

    @Test
    void aFlagOtherThanZeroOrOneIsRefused() {
        byte[] bytes = StateCodec.encode(sample());
        bytes[4] = 2;
        assertThrows(SnapshotFormatException.class, () -> StateCodec.decode(Sample.class, bytes));
    }

    @Test
    void valuesTheRecordRefusesAreAFormatError() {
        byte[] bytes = StateCodec.encode(sample());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(5, -1);
        SnapshotFormatException e =
                assertThrows(
                        SnapshotFormatException.class,
                        () -> StateCodec.decode(Sample.class, bytes));
        assertTrue(e.getMessage().contains("number must not be negative"), e.getMessage());
    }

    @Test
    void aTypeTheCodecCannotWriteIsAProgrammingError() {
        record WithDouble(double d) {}
        assertThrows(IllegalArgumentException.class, () -> StateCodec.encode(new WithDouble(1)));
    }
}
