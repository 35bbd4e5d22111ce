package io.github.etcdconfig.ranges;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import io.etcd.jetcd.ByteSequence;

/**
 * A range of etcd keys, {@code [start, end)} in etcd's byte order, as etcd's range reads
 * and watches take it. An empty end means "to the end of the key space".
 */
public final class EtcdKeyRange {

	private static final byte[] UNBOUNDED = {};

	private static final Comparator<EtcdKeyRange> BY_START = (a, b) -> Arrays.compareUnsigned(a.start, b.start);

	private final byte[] start;

	private final byte[] end;

	private EtcdKeyRange(byte[] start, byte[] end) {
		this.start = start;
		this.end = end;
	}

	/**
	 * Every key that starts with a prefix.
	 * @param prefix the prefix
	 * @return the range
	 */
	public static EtcdKeyRange prefix(String prefix) {
		byte[] start = prefix.getBytes(StandardCharsets.UTF_8);
		return new EtcdKeyRange(start, prefixEnd(start));
	}

	// etcd's own rule: the prefix with its last byte below 0xff incremented and what
	// follows dropped.
	private static byte[] prefixEnd(byte[] prefix) {
		for (int i = prefix.length - 1; i >= 0; i--) {
			if (prefix[i] != (byte) 0xff) {
				byte[] end = Arrays.copyOf(prefix, i + 1);
				end[i]++;
				return end;
			}
		}
		return UNBOUNDED;
	}

	/**
	 * The first key of the range.
	 * @return the key
	 */
	public ByteSequence startKey() {
		return ByteSequence.from(this.start);
	}

	/**
	 * The first key after the range, as etcd takes a range end.
	 * @return the key; {@code \0} when the range runs to the end of the key space
	 */
	public ByteSequence endKey() {
		return ByteSequence.from((this.end.length == 0) ? new byte[] { 0 } : this.end);
	}

	/**
	 * Whether a key lies in the range.
	 * @param key the key
	 * @return whether it does
	 */
	public boolean contains(byte[] key) {
		return Arrays.compareUnsigned(key, this.start) >= 0 && before(key, this.end);
	}

	/**
	 * This range without the keys of another.
	 * @param other the range to take out
	 * @return what is left: none, one or two ranges
	 */
	public List<EtcdKeyRange> minus(EtcdKeyRange other) {
		if (!before(this.start, other.end) || !before(other.start, this.end)) {
			return List.of(this);
		}
		List<EtcdKeyRange> left = new ArrayList<>(2);
		if (Arrays.compareUnsigned(this.start, other.start) < 0) {
			left.add(new EtcdKeyRange(this.start, other.start));
		}
		if (other.end.length > 0 && before(other.end, this.end)) {
			left.add(new EtcdKeyRange(other.end, this.end));
		}
		return left;
	}

	/**
	 * The fewest ranges that hold the same keys: sorted, with overlapping and touching
	 * ranges merged.
	 * @param ranges the ranges
	 * @return the merged ranges
	 */
	public static List<EtcdKeyRange> merge(Collection<EtcdKeyRange> ranges) {
		List<EtcdKeyRange> sorted = new ArrayList<>(ranges);
		sorted.sort(BY_START);
		List<EtcdKeyRange> merged = new ArrayList<>();
		for (EtcdKeyRange range : sorted) {
			int last = merged.size() - 1;
			if (last >= 0 && !before(merged.get(last).end, range.start)) {
				EtcdKeyRange previous = merged.get(last);
				byte[] end = (previous.end.length == 0 || !before(previous.end, range.end)) ? previous.end : range.end;
				merged.set(last, new EtcdKeyRange(previous.start, end));
			}
			else {
				merged.add(range);
			}
		}
		return List.copyOf(merged);
	}

	// Whether a key comes before an end; an empty end is the end of the key space. A key
	// is never empty here:
	// a start or an end that is compared as a key is a real key.
	private static boolean before(byte[] key, byte[] end) {
		return end.length == 0 || (key.length > 0 && Arrays.compareUnsigned(key, end) < 0);
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof EtcdKeyRange that && Arrays.equals(this.start, that.start)
				&& Arrays.equals(this.end, that.end));
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.start) + Arrays.hashCode(this.end);
	}

	/**
	 * The range as a person reads it: {@code /config/*} for a whole prefix,
	 * {@code [/config/, /config/apps/)} otherwise.
	 * @return the description
	 */
	@Override
	public String toString() {
		if (Arrays.equals(this.end, prefixEnd(this.start))) {
			return text(this.start) + "*";
		}
		return "[" + text(this.start) + ", " + ((this.end.length == 0) ? "end" : text(this.end)) + ")";
	}

	private static String text(byte[] key) {
		return printable(key);
	}

	/**
	 * A key as it can be printed in a message, even when it is not UTF-8.
	 * @param key the key bytes
	 * @return the printable key
	 */
	public static String printable(byte[] key) {
		StringBuilder result = new StringBuilder();
		for (char c : new String(key, StandardCharsets.UTF_8).toCharArray()) {
			result.append((c == '\uFFFD' || Character.isISOControl(c)) ? '?' : c);
		}
		return result.toString();
	}

}
