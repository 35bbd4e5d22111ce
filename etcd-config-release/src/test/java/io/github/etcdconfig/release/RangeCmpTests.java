package io.github.etcdconfig.release;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.RangeCmp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RangeCmp} reaches into jetcd's package to override a package-private method, a
 * workaround until jetcd takes a range end on its compares. These tests fail when a jetcd
 * upgrade changes what it reaches: the guard of a whole layer would otherwise become the
 * guard of its first key without a word.
 */
class RangeCmpTests {

	@Test
	void jetcdStillBuildsEachCompareInThePackagePrivateMethodRangeCmpOverrides() throws NoSuchMethodException {
		Method reached = Cmp.class.getDeclaredMethod("toCompare", ByteSequence.class);
		assertThat(reached.getReturnType()).isEqualTo(Compare.class);
		assertThat(Modifier.isPublic(reached.getModifiers()) || Modifier.isProtected(reached.getModifiers())
				|| Modifier.isPrivate(reached.getModifiers()) || Modifier.isStatic(reached.getModifiers()))
			.as("Cmp.toCompare(ByteSequence) is package-private and overridable")
			.isFalse();
		Method override = RangeCmp.class.getDeclaredMethod("toCompare", ByteSequence.class);
		assertThat(override.getReturnType()).isEqualTo(Compare.class);
	}

	@Test
	void aRangeCompareCarriesItsKeyAndItsRangeEndInTheClientsNamespace() throws Exception {
		RangeCmp cmp = new RangeCmp(bytes("/config/"), bytes("/config0"), Cmp.Op.LESS, CmpTarget.modRevision(8));
		Method toCompare = RangeCmp.class.getDeclaredMethod("toCompare", ByteSequence.class);
		toCompare.setAccessible(true);
		Compare compare = (Compare) toCompare.invoke(cmp, bytes("/ns"));
		assertThat(compare.getKey().toStringUtf8()).isEqualTo("/ns/config/");
		assertThat(compare.getRangeEnd().toStringUtf8()).isEqualTo("/ns/config0");
		assertThat(compare.getResult()).isEqualTo(Compare.CompareResult.LESS);
		assertThat(compare.getModRevision()).isEqualTo(8);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
