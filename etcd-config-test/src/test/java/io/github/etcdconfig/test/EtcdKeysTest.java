package io.github.etcdconfig.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdKeysTest {

	@RegisterExtension
	static final EtcdClusterExtension ETCD = new EtcdClusterExtension();

	static EtcdKeys keys;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(ETCD.cluster().newClient());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void aPutKeyReadsBackWithTheRevisionOfThePut() {
		long revision = keys.put("/keys/put/greeting", "hello");

		assertThat(keys.value("/keys/put/greeting")).isEqualTo("hello");
		assertThat(keys.get("/keys/put/greeting").getModRevision()).isEqualTo(revision);
		assertThat(keys.revision()).isGreaterThanOrEqualTo(revision);
	}

	@Test
	void aMissingKeyHasNoValue() {
		assertThat(keys.get("/keys/missing")).isNull();
		assertThat(keys.value("/keys/missing")).isNull();
	}

	@Test
	void bytesThatAreNotUtf8AreStoredAsGiven() {
		keys.put("/keys/binary", new byte[] { (byte) 0xff, 0, 'a' });

		assertThat(keys.get("/keys/binary").getValue().getBytes()).containsExactly(0xff, 0, 'a');
	}

	@Test
	void putAllChangesEveryKeyAtOneRevision() {
		long revision = keys.putAll("/keys/all/a", "1", "/keys/all/b", "2");

		assertThat(keys.keyValues("/keys/all/")).extracting(KeyValue::getModRevision).containsOnly(revision);
		assertThat(keys.values("/keys/all/")).containsExactly(Map.entry("/keys/all/a", "1"),
				Map.entry("/keys/all/b", "2"));
	}

	@Test
	void putAllRefusesAKeyWithoutAValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> keys.putAll("/keys/odd/a", "1", "/keys/odd/b"))
			.withMessageContaining("pairs");
	}

	@Test
	void valuesUnderAPrefixComeInKeyOrderAndLeaveOtherKeysOut() {
		keys.putAll("/keys/sorted/b", "2", "/keys/sorted/a", "1", "/keys/sorted-not/c", "3");

		assertThat(keys.values("/keys/sorted/")).containsExactly(Map.entry("/keys/sorted/a", "1"),
				Map.entry("/keys/sorted/b", "2"));
	}

	@Test
	void deleteRemovesOneKeyAndDeletePrefixEveryKeyUnderIt() {
		keys.putAll("/keys/gone/a", "1", "/keys/gone/b", "2", "/keys/gone/c", "3");

		keys.delete("/keys/gone/a");
		assertThat(keys.values("/keys/gone/")).containsOnlyKeys("/keys/gone/b", "/keys/gone/c");

		keys.deletePrefix("/keys/gone/");
		assertThat(keys.values("/keys/gone/")).isEmpty();
	}

	@Test
	void aRevokedLeaseTakesItsKeysAndHasNoTimeLeft() {
		long lease = EtcdKeys.await(keys.client().getLeaseClient().grant(60)).getID();
		EtcdKeys.await(keys.client()
			.getKVClient()
			.put(EtcdKeys.bytes("/keys/leased"), EtcdKeys.bytes("on"), PutOption.builder().withLeaseId(lease).build()));
		assertThat(keys.ttl(lease)).isPositive();

		keys.revoke(lease);

		assertThat(keys.ttl(lease)).isEqualTo(-1);
		assertThat(keys.value("/keys/leased")).isNull();
	}

	@Test
	void compactedHistoryCannotBeReadAnyMore() {
		long first = keys.put("/keys/history", "1");
		keys.put("/keys/history", "2");

		keys.compact(keys.revision());

		assertThatIllegalStateException()
			.isThrownBy(() -> EtcdKeys.await(keys.client()
				.getKVClient()
				.get(EtcdKeys.bytes("/keys/history"), GetOption.builder().withRevision(first).build())))
			.withMessageContaining("compacted");
	}

	@Test
	void aCallThatDoesNotCompleteInTimeFailsWithItsDeadline() {
		assertThatIllegalStateException()
			.isThrownBy(() -> EtcdKeys.await(new CompletableFuture<>(), Duration.ofMillis(50)))
			.withMessageContaining("did not complete within PT0.05S")
			.withCauseInstanceOf(TimeoutException.class);
	}

}
