package org.atrium.emulator.snapshot;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The binary encoding of state records, written out explicitly (no Java serialization): a 32-bit
 * layout fingerprint, then the record's components in declaration order, little-endian. {@code
 * boolean} is one byte (0 or 1), {@code int} four, {@code long} eight; {@code byte[]}, {@code
 * int[]}, {@code long[]}, {@code String} (UTF-8) and {@code List} are a 32-bit count followed by
 * the elements; a nested record is a presence byte (0 for {@code null}) followed by its components.
 *
 * <p>The fingerprint is the CRC32C of the record's layout (component names and types, nested
 * records included), so a file written for another layout of a record is refused rather than
 * misread even if someone forgot to raise the section version. Decoding treats the bytes as
 * hostile: every count is checked against the bytes left before anything is allocated, booleans
 * must be 0 or 1, trailing bytes are refused, and the record's own constructor checks its values.
 */
public final class StateCodec {
    private StateCodec() {}

    /** The record's layout fingerprint. */
    public static int fingerprint(Class<? extends Record> type) {
        CRC32C crc = new CRC32C();
        crc.update(layout(type).getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    public static byte[] encode(Record state) {
        Out out = new Out();
        out.int32(fingerprint(state.getClass()));
        writeRecord(out, state);
        return out.bytes();
    }

    /**
     * Builds a {@code type} from {@code bytes}.
     *
     * @throws SnapshotFormatException if the bytes are not a valid encoding of {@code type}
     */
    public static <S extends Record> S decode(Class<S> type, byte[] bytes)
            throws SnapshotFormatException {
        In in = new In(bytes);
        try {
            int fingerprint = in.int32();
            if (fingerprint != fingerprint(type)) {
                throw new SnapshotFormatException(
                        "state was written for another layout of " + type.getSimpleName());
            }
            S state = type.cast(readRecord(in, type));
            if (in.remaining() != 0) {
                throw new SnapshotFormatException(
                        in.remaining() + " bytes left over after " + type.getSimpleName());
            }
            return state;
        } catch (Malformed e) {
            throw new SnapshotFormatException(e.getMessage() + " in " + type.getSimpleName());
        }
    }

    // ---------------------------------------------------------------- layout

    private static String layout(Class<?> type) {
        StringBuilder b = new StringBuilder();
        layout(type, b);
        return b.toString();
    }

    private static void layout(Type type, StringBuilder b) {
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            b.append("List<");
            layout(p.getActualTypeArguments()[0], b);
            b.append('>');
        } else if (type instanceof Class<?> c && c.isRecord()) {
            b.append(c.getSimpleName()).append('(');
            for (RecordComponent rc : c.getRecordComponents()) {
                b.append(rc.getName()).append(':');
                layout(rc.getGenericType(), b);
                b.append(',');
            }
            b.append(')');
        } else if (type instanceof Class<?> c && isLeaf(c)) {
            b.append(c.getSimpleName());
        } else if (type instanceof Class<?> c && c.isEnum()) {
            // The constants are part of the layout: renaming or reordering one changes it.
            b.append(c.getSimpleName()).append('{');
            for (Object constant : c.getEnumConstants()) {
                b.append(((Enum<?>) constant).name()).append(',');
            }
            b.append('}');
        } else if (type instanceof Class<?> c && c.isArray() && c.getComponentType().isRecord()) {
            b.append('[');
            layout(c.getComponentType(), b);
            b.append(']');
        } else {
            throw new IllegalArgumentException("state records cannot hold a " + type);
        }
    }

    private static boolean isLeaf(Class<?> c) {
        return c == int.class
                || c == long.class
                || c == boolean.class
                || c == byte[].class
                || c == int[].class
                || c == long[].class
                || c == String.class
                || c == Integer.class
                || c == Long.class;
    }

    // ---------------------------------------------------------------- encoding

    private static void writeRecord(Out out, Record r) {
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            Object value;
            try {
                java.lang.reflect.Method accessor = rc.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + rc, e);
            }
            writeValue(out, rc.getGenericType(), value);
        }
    }

    private static void writeValue(Out out, Type type, Object value) {
        if (type instanceof ParameterizedType p) {
            List<?> list = (List<?>) value;
            out.int32(list.size());
            for (Object e : list) {
                writeValue(out, p.getActualTypeArguments()[0], e);
            }
        } else if (type == int.class || type == Integer.class) {
            out.int32((Integer) value);
        } else if (type == long.class || type == Long.class) {
            out.int64((Long) value);
        } else if (type == boolean.class) {
            out.int8((Boolean) value ? 1 : 0);
        } else if (type == byte[].class) {
            byte[] a = (byte[]) value;
            out.int32(a.length);
            out.raw(a);
        } else if (type == int[].class) {
            int[] a = (int[]) value;
            out.int32(a.length);
            for (int v : a) {
                out.int32(v);
            }
        } else if (type == long[].class) {
            long[] a = (long[]) value;
            out.int32(a.length);
            for (long v : a) {
                out.int64(v);
            }
        } else if (type == String.class) {
            byte[] a = ((String) value).getBytes(StandardCharsets.UTF_8);
            out.int32(a.length);
            out.raw(a);
        } else if (type instanceof Class<?> c && c.isRecord()) {
            if (value == null) {
                out.int8(0);
            } else {
                out.int8(1);
                writeRecord(out, (Record) value);
            }
        } else if (type instanceof Class<?> c && c.isEnum()) {
            out.int32(((Enum<?>) value).ordinal());
        } else if (type instanceof Class<?> c && c.isArray() && c.getComponentType().isRecord()) {
            Object[] a = (Object[]) value;
            out.int32(a.length);
            for (Object e : a) {
                writeValue(out, c.getComponentType(), e);
            }
        } else {
            throw new IllegalArgumentException("state records cannot hold a " + type);
        }
    }

    // ---------------------------------------------------------------- decoding

    private static Record readRecord(In in, Class<?> type)
            throws SnapshotFormatException, Malformed {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = readValue(in, components[i].getGenericType());
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return (Record) canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            // The record's own checks refused a value: the file holds an impossible state.
            Throwable cause = e.getCause();
            throw new SnapshotFormatException(
                    type.getSimpleName() + " refused its values: " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type, e);
        }
    }

    private static Object readValue(In in, Type type) throws SnapshotFormatException, Malformed {
        if (type instanceof ParameterizedType p) {
            Type element = p.getActualTypeArguments()[0];
            // Every element takes at least one byte, so a count beyond the bytes left is a lie.
            int n = in.count(1);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(readValue(in, element));
            }
            return list;
        } else if (type == int.class || type == Integer.class) {
            return in.int32();
        } else if (type == long.class || type == Long.class) {
            return in.int64();
        } else if (type == boolean.class) {
            return in.bool();
        } else if (type == byte[].class) {
            return in.raw(in.count(1));
        } else if (type == int[].class) {
            int[] a = new int[in.count(4)];
            for (int i = 0; i < a.length; i++) {
                a[i] = in.int32();
            }
            return a;
        } else if (type == long[].class) {
            long[] a = new long[in.count(8)];
            for (int i = 0; i < a.length; i++) {
                a[i] = in.int64();
            }
            return a;
        } else if (type == String.class) {
            return new String(in.raw(in.count(1)), StandardCharsets.UTF_8);
        } else if (type instanceof Class<?> c && c.isRecord()) {
            return in.bool() ? readRecord(in, c) : null;
        } else if (type instanceof Class<?> c && c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            int ordinal = in.int32();
            if (ordinal < 0 || ordinal >= constants.length) {
                throw new SnapshotFormatException(
                        c.getSimpleName() + " has no value number " + ordinal);
            }
            return constants[ordinal];
        } else if (type instanceof Class<?> c && c.isArray() && c.getComponentType().isRecord()) {
            // Every element takes at least its one-byte presence flag.
            int n = in.count(1);
            Object[] a = (Object[]) java.lang.reflect.Array.newInstance(c.getComponentType(), n);
            for (int i = 0; i < n; i++) {
                a[i] = readValue(in, c.getComponentType());
            }
            return a;
        }
        throw new IllegalArgumentException("state records cannot hold a " + type);
    }

    /** A growable little-endian buffer. */
    private static final class Out {
        private byte[] buf = new byte[256];
        private int size;

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void int8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void int32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void int64(long v) {
            int32((int) v);
            int32((int) (v >>> 32));
        }

        void raw(byte[] a) {
            ensure(a.length);
            System.arraycopy(a, 0, buf, size, a.length);
            size += a.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, size);
        }
    }

    /** A bounds-checked little-endian reader. */
    private static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        private void need(long n) throws Malformed {
            if (n > remaining()) {
                throw new Malformed(
                        "state ends early: " + n + " bytes needed, " + remaining() + " left");
            }
        }

        int int8() throws Malformed {
            need(1);
            return buf[pos++] & 0xFF;
        }

        int int32() throws Malformed {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v |= (buf[pos++] & 0xFF) << (8 * i);
            }
            return v;
        }

        long int64() throws Malformed {
            return (int32() & 0xFFFFFFFFL) | ((long) int32() << 32);
        }

        boolean bool() throws Malformed {
            int v = int8();
            if (v > 1) {
                throw new Malformed("a flag holds " + v);
            }
            return v == 1;
        }

        /**
         * A count of elements of at least {@code elementBytes} each that the bytes left can hold.
         */
        int count(int elementBytes) throws Malformed {
            int n = int32();
            if (n < 0 || (long) n * elementBytes > remaining()) {
                throw new Malformed("a count of " + (n & 0xFFFFFFFFL) + " exceeds the bytes left");
            }
            return n;
        }

        byte[] raw(int n) throws Malformed {
            need(n);
            byte[] a = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return a;
        }
    }

    /** Malformed bytes, turned into a {@link SnapshotFormatException} naming the record. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }
}
