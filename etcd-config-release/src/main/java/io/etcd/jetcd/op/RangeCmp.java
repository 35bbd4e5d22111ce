package io.etcd.jetcd.op;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.support.Util;

/**
 * A transaction compare over a key range: it holds when every key in
 * {@code [key, rangeEnd)} satisfies it. etcd has served such compares since 3.3 (etcd
 * #7924, {@code range_end} in {@code Compare}), but jetcd's {@link Cmp} only takes one
 * key and builds its message in a package-private method, hence this subclass in jetcd's
 * package. With it, one compare guards a whole configuration layer:
 * {@code mod_revision < read revision + 1} fails when any key of the layer was written
 * after it was read.
 *
 * <p>
 * <strong>Temporary.</strong> A class in another library's package is a split package: it
 * cannot be used on the module path, and it breaks when jetcd renames or changes
 * {@code Cmp.toCompare(ByteSequence)}. jetcd offers no public way: its transactions take
 * only {@link Cmp}s, and its connection, which the generated gRPC stubs would need, is
 * not public. The public API to propose to jetcd is a range end on {@code Cmp} (a
 * constructor {@code Cmp(key, rangeEnd, op, target)}, as its {@code GetOption.withRange}
 * does for reads); this class goes once jetcd has it. {@code RangeCmpTests} fails as soon
 * as jetcd changes the method this class overrides, so an upgrade cannot silently turn
 * the guard of a whole layer into the guard of its first key.
 */
public final class RangeCmp extends Cmp {

	private final ByteSequence rangeEnd;

	/**
	 * Create a compare.
	 * @param key the first key of the range
	 * @param rangeEnd the first key after the range; {@code \0} for every key from
	 * {@code key} on
	 * @param op how to compare
	 * @param target what to compare each key's value, version or revision with
	 */
	public RangeCmp(ByteSequence key, ByteSequence rangeEnd, Op op, CmpTarget<?> target) {
		super(key, op, target);
		this.rangeEnd = rangeEnd;
	}

	@Override
	Compare toCompare(ByteSequence namespace) {
		// The key gets the client's namespace in super.toCompare; the end gets it the way
		// jetcd's range reads do.
		return super.toCompare(namespace).toBuilder()
			.setRangeEnd(Util.prefixNamespaceToRangeEnd(this.rangeEnd, namespace))
			.build();
	}

}
