package io.github.etcdconfig.release;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a staged rollout lives in etcd, and how its state is written and read: the state
 * at {@code {releases-prefix}{layer without its leading /}rollout}, the driver's lock
 * next to it ({@code rollout-driver}), the selector and values in the layer's
 * {@code _rollout/} folder. The start revision and the stage revision are read from the
 * selector key (its create and mod revision) while it exists, since the transaction that
 * writes a state cannot know its own revision.
 */
final class EtcdRolloutStore {

	private static final JsonMapper JSON = EtcdReleaseRecords.mapper()
		.addMixIn(EtcdRolloutState.class, Stored.class)
		.build();

	private final KV kv;

	private final String releasesPrefix;

	private final Duration timeout;

	EtcdRolloutStore(KV kv, String releasesPrefix, Duration timeout) {
		this.kv = kv;
		this.releasesPrefix = releasesPrefix;
		this.timeout = timeout;
	}

	String stateKey(EtcdLayer layer) {
		return this.releasesPrefix + layer.prefix().substring(1) + "rollout";
	}

	String driverKey(EtcdLayer layer) {
		return stateKey(layer) + "-driver";
	}

	static String folder(EtcdLayer layer) {
		return layer.prefix() + EtcdRolloutSelector.FOLDER;
	}

	static String selectorKey(EtcdLayer layer) {
		return layer.prefix() + EtcdRolloutSelector.SELECTOR_KEY;
	}

	static String valuesFolder(EtcdLayer layer) {
		return layer.prefix() + EtcdRolloutSelector.VALUES_FOLDER;
	}

	/**
	 * The key that holds a key of the layer's value during a rollout.
	 */
	static String valueKey(EtcdLayer layer, String key) {
		return valuesFolder(layer) + key.substring(layer.prefix().length());
	}

	/**
	 * The key of the layer that a rollout value key stands for.
	 */
	static String layerKey(EtcdLayer layer, String valueKey) {
		return layer.prefix() + valueKey.substring(valuesFolder(layer).length());
	}

	/**
	 * The rollout's values.
	 * @return value by key of the layer
	 */
	Map<String, String> values(EtcdLayer layer) {
		Map<String, String> values = new TreeMap<>();
		for (KeyValue kv : EtcdReleaseCalls
			.await(this.kv.get(EtcdBytes.of(valuesFolder(layer)), GetOption.builder().isPrefix(true).build()),
					this.timeout, "Reading the values of the rollout of " + layer)
			.getKvs()) {
			values.put(layerKey(layer, kv.getKey().toString(StandardCharsets.UTF_8)),
					kv.getValue().toString(StandardCharsets.UTF_8));
		}
		return values;
	}

	byte[] write(EtcdRolloutState state) {
		return JSON.writeValueAsBytes(state);
	}

	Op put(EtcdLayer layer, EtcdRolloutState state) {
		return Op.put(EtcdBytes.of(stateKey(layer)), ByteSequence.from(write(state)), PutOption.DEFAULT);
	}

	static Op putSelector(EtcdLayer layer, EtcdRolloutSelector selector) {
		return Op.put(EtcdBytes.of(selectorKey(layer)), EtcdBytes.of(selector.toJson()), PutOption.DEFAULT);
	}

	/**
	 * The removal of the rollout's selector and values: the subset takes the layer's
	 * values again.
	 */
	static Op deleteFolder(EtcdLayer layer) {
		return Op.delete(EtcdBytes.of(folder(layer)), DeleteOption.builder().isPrefix(true).build());
	}

	/**
	 * The compare that holds while nobody wrote the state since it was read.
	 */
	Cmp unchanged(EtcdLayer layer, Read read) {
		return new Cmp(EtcdBytes.of(stateKey(layer)), Cmp.Op.EQUAL,
				CmpTarget.modRevision((read != null) ? read.modRevision() : 0));
	}

	/**
	 * The state of the layer's rollout, with the revisions of its selector.
	 * @return the state as read, or {@code null} when the layer never had a rollout
	 */
	Read read(EtcdLayer layer) {
		TxnResponse response = EtcdReleaseCalls.await(this.kv.txn()
			.Then(Op.get(EtcdBytes.of(stateKey(layer)), GetOption.DEFAULT),
					Op.get(EtcdBytes.of(selectorKey(layer)), GetOption.DEFAULT))
			.commit(), this.timeout, "Reading the rollout of " + layer);
		List<KeyValue> state = response.getGetResponses().get(0).getKvs();
		if (state.isEmpty()) {
			return null;
		}
		EtcdRolloutState read;
		try {
			read = JSON.readValue(state.get(0).getValue().getBytes(), EtcdRolloutState.class);
		}
		catch (RuntimeException ex) {
			throw EtcdReleaseException
				.invalid("The rollout state " + stateKey(layer) + " cannot be read: it was not written by this tool");
		}
		List<KeyValue> selector = response.getGetResponses().get(1).getKvs();
		if (read.isActive() && !selector.isEmpty()) {
			read = read.withRevisions(selector.get(0).getCreateRevision(), selector.get(0).getModRevision());
		}
		return new Read(read, state.get(0).getModRevision(), response.getHeader().getRevision());
	}

	/**
	 * A state as read.
	 *
	 * @param state the state
	 * @param modRevision the revision the state was written at
	 * @param revision the revision of the read
	 */
	record Read(EtcdRolloutState state, long modRevision, long revision) {

	}

	/**
	 * How a state is stored: without what is derived.
	 */
	@JsonIgnoreProperties({ "active", "lastStage" })
	private interface Stored {

	}

}
