package io.github.etcdconfig.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.github.etcdconfig.client.EtcdBytes;
import io.github.etcdconfig.config.EtcdConfigLayout;
import io.github.etcdconfig.config.EtcdConfigProblem;
import io.github.etcdconfig.config.EtcdConfigSnapshot;
import io.github.etcdconfig.config.EtcdConfigStore;
import io.github.etcdconfig.config.EtcdConfigStores;
import io.github.etcdconfig.config.EtcdRolloutSelector;
import io.github.etcdconfig.config.EtcdDecryptionCheck;
import io.github.etcdconfig.ranges.EtcdKeyEvent;
import io.github.etcdconfig.ranges.EtcdKeyRange;
import io.github.etcdconfig.config.EtcdPropertyChange;
import io.github.etcdconfig.refresh.EtcdConfigurationPropertiesRebinder;
import io.github.etcdconfig.refresh.EtcdPlaceholderDependencies;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.refresh.EtcdRejectionReasons;
import io.github.etcdconfig.refresh.EtcdValueUpdater;
import io.github.etcdconfig.verify.EtcdConfigVerdict.Verdict;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Judges a proposed change the way applying it would, and applies nothing. For each etcd
 * source that reads the proposal's layer, it applies the change to a copy of the live
 * snapshot, and shows that candidate to its own thread only
 * ({@link EtcdConfigStore#withCandidate}) while it
 * <ul>
 * <li>resolves the placeholders of the affected properties;</li>
 * <li>binds fresh copies of the {@code @ConfigurationProperties} beans the change
 * touches, with validation ({@link EtcdConfigurationPropertiesRebinder#verify});</li>
 * <li>resolves and converts the {@code @Value} injection points it touches
 * ({@link EtcdValueUpdater#verify}).</li>
 * </ul>
 * These are the pieces a real change goes through, so a verdict says what applying would
 * do. Other threads read the live snapshot all along: no live value or bean changes.
 *
 * <p>
 * Which proposals it answers: those for a layer this instance reads, and, with IGNORED,
 * those for another layer in its own application's folder (a profile it does not run).
 * Proposals for other applications get no answer, so that every instance does not answer
 * every proposal. A proposal that is oversized, malformed, not matching its key or
 * reaching outside its layer is answered IGNORED with the reason, and so is one that
 * changes only the layer's staged rollout folder ({@code _rollout/}): a rollout is
 * verified by the instances of its subset taking it.
 *
 * <p>
 * Where Spring Cloud decrypts, a property whose proposed or current value is a
 * {@code {cipher}} value is not checked: the decrypted values are held apart from the
 * etcd sources and do not see the candidate. The verdict's reason names such properties,
 * never their values.
 */
public class EtcdProposalEvaluator {

	private final EtcdConfigStores stores;

	private final ConfigurableEnvironment environment;

	private final EtcdPlaceholderDependencies dependencies;

	private final ObjectProvider<ConfigurationPropertiesRebinder> rebinder;

	private final ObjectProvider<EtcdValueUpdater> valueUpdater;

	private final EtcdVerifyProperties properties;

	private final String applicationName;

	private final boolean decrypts;

	/**
	 * Create an evaluator.
	 * @param stores the application's etcd sources
	 * @param environment the environment
	 * @param dependencies which properties follow others through placeholders
	 * @param rebinder the rebinder of {@code @ConfigurationProperties} beans
	 * @param valueUpdater the updater of {@code @Value} injection points, if enabled
	 * @param properties the settings
	 */
	public EtcdProposalEvaluator(EtcdConfigStores stores, ConfigurableEnvironment environment,
			EtcdPlaceholderDependencies dependencies, ObjectProvider<ConfigurationPropertiesRebinder> rebinder,
			ObjectProvider<EtcdValueUpdater> valueUpdater, EtcdVerifyProperties properties) {
		this.stores = stores;
		this.environment = environment;
		this.dependencies = dependencies;
		this.rebinder = rebinder;
		this.valueUpdater = valueUpdater;
		this.properties = properties;
		this.applicationName = environment.getProperty("spring.application.name");
		this.decrypts = EtcdDecryptionCheck.decrypts(environment, getClass().getClassLoader());
	}

	/**
	 * Judge a proposal.
	 * @param key the proposal's key
	 * @param value the proposal's value
	 * @return the verdict, or {@code null} when the proposal is none of this instance's
	 * business
	 */
	public EtcdConfigVerdict evaluate(String key, byte[] value) {
		EtcdProposal.Key where = EtcdProposal.Key.of(this.properties.getPrefix(), key);
		if (where == null) {
			return null;
		}
		List<EtcdConfigStore> readers = readersOf(where.layer());
		if (readers.isEmpty()) {
			return isOwnFolder(where.layer())
					? EtcdConfigVerdict.ignored(where.id(), "this instance does not read the layer " + where.layer())
					: null;
		}
		long max = this.properties.getMaxProposalSize().toBytes();
		if (value.length > max) {
			return EtcdConfigVerdict.ignored(where.id(), "the proposal is " + value.length
					+ " bytes, more than etcd.config.verify.max-proposal-size (" + max + " bytes)");
		}
		EtcdProposal proposal;
		try {
			proposal = EtcdProposal.parse(where, EtcdBytes.text(value));
		}
		catch (IllegalArgumentException ex) {
			return EtcdConfigVerdict.ignored(where.id(), "malformed: " + ex.getMessage());
		}
		if (isRolloutOnly(where.layer(), proposal)) {
			// A staged rollout is verified by its subset taking it, not by a proposal.
			return EtcdConfigVerdict.ignored(proposal.id(),
					"it changes only the staged rollout folder " + EtcdRolloutSelector.FOLDER);
		}
		Set<EtcdRejectedProperty> rejected = new LinkedHashSet<>();
		Set<String> unchecked = new TreeSet<>();
		for (EtcdConfigStore store : readers) {
			rejected.addAll(evaluate(store, proposal, unchecked));
		}
		String reason = unchecked.isEmpty() ? null
				: "not checked: encrypted values are not decrypted for verification (" + String.join(", ", unchecked)
						+ ")";
		return rejected.isEmpty() ? new EtcdConfigVerdict(proposal.id(), Verdict.ACCEPTED, reason, List.of())
				: new EtcdConfigVerdict(proposal.id(), Verdict.REJECTED, reason, new ArrayList<>(rejected));
	}

	private static boolean isRolloutOnly(String layer, EtcdProposal proposal) {
		String folder = layer + EtcdRolloutSelector.FOLDER;
		if (proposal.puts().isEmpty() && proposal.deletes().isEmpty()) {
			return false;
		}
		return proposal.puts().keySet().stream().allMatch((key) -> key.startsWith(folder))
				&& proposal.deletes().stream().allMatch((key) -> key.startsWith(folder));
	}

	private List<EtcdRejectedProperty> evaluate(EtcdConfigStore store, EtcdProposal proposal, Set<String> unchecked) {
		EtcdConfigSnapshot live = store.getLiveSnapshot();
		List<EtcdKeyEvent> events = new ArrayList<>();
		for (Map.Entry<String, String> put : proposal.puts().entrySet()) {
			events.add(EtcdKeyEvent.put(bytes(put.getKey()), bytes(put.getValue()), live.getRevision()));
		}
		for (String delete : proposal.deletes()) {
			events.add(EtcdKeyEvent.delete(bytes(delete), live.getRevision()));
		}
		List<EtcdRejectedProperty> rejected = new ArrayList<>();
		EtcdConfigSnapshot.Update update = live.apply(events, live.getRevision(), (problem) -> {
			// A document that does not parse would keep its previous version: the change
			// would not be applied.
			if (problem.kind() == EtcdConfigProblem.Kind.BROKEN_DOCUMENT) {
				rejected.add(new EtcdRejectedProperty(problem.key(), problem.message()));
			}
		});
		// The decrypted values rank above the etcd sources and do not see the candidate:
		// a {cipher} value would be judged by its old plain text or by its cipher text.
		List<EtcdPropertyChange> changes = new ArrayList<>();
		for (EtcdPropertyChange change : update.changes()) {
			if (this.decrypts && (EtcdDecryptionCheck.isCipher(change.oldValue())
					|| EtcdDecryptionCheck.isCipher(change.newValue()))) {
				unchecked.add(change.name());
			}
			else {
				changes.add(change);
			}
		}
		if (changes.isEmpty()) {
			return rejected;
		}
		List<String> names = changes.stream().map(EtcdPropertyChange::name).toList();
		// Worked out on the live environment: what the index keeps must not come from
		// the candidate.
		Set<String> keys = this.dependencies.expand(names);
		rejected.addAll(store.withCandidate(update.snapshot(), () -> check(changes, keys)));
		return rejected;
	}

	private List<EtcdRejectedProperty> check(List<EtcdPropertyChange> changes, Set<String> keys) {
		List<EtcdRejectedProperty> rejected = new ArrayList<>(
				EtcdRejectionReasons.unresolvable(this.environment, changes, keys));
		if (this.rebinder.getIfAvailable() instanceof EtcdConfigurationPropertiesRebinder etcdRebinder) {
			rejected.addAll(etcdRebinder.verify(keys));
		}
		EtcdValueUpdater updater = this.valueUpdater.getIfAvailable();
		if (updater != null) {
			rejected.addAll(updater.verify(keys));
		}
		return rejected;
	}

	/**
	 * Where the proposals this instance answers lie: those of the layers it reads and of
	 * its application's folder (proposals for profiles it does not run, answered
	 * IGNORED), without other applications' folders, as for configuration. Never the
	 * whole proposals prefix: etcd refuses a watch unless the user may read all of it,
	 * and an instance has no business with other applications' proposed values.
	 * @return the ranges, merged
	 */
	public List<EtcdKeyRange> ranges() {
		List<EtcdKeyRange> ranges = new ArrayList<>();
		for (EtcdConfigStore store : this.stores.getStores()) {
			EtcdConfigLayout layout = store.getResource().getLayout();
			List<String> prefixes = new ArrayList<>(layout.prefixes());
			if (this.applicationName != null) {
				layout.applicationFolders().forEach((folder) -> prefixes.add(folder + this.applicationName + "/"));
			}
			EtcdConfigLayout proposals = new EtcdConfigLayout(proposalPrefixes(prefixes), layout.profiles(),
					proposalPrefixes(layout.applicationFolders()), List.of());
			ranges.addAll(proposals.ranges());
		}
		return EtcdKeyRange.merge(ranges);
	}

	// Layer /config-apps/billing/ -> /config-proposals/config-apps/billing/.
	private List<String> proposalPrefixes(List<String> prefixes) {
		return prefixes.stream().map((prefix) -> this.properties.getPrefix() + prefix.substring(1)).toList();
	}

	private List<EtcdConfigStore> readersOf(String layer) {
		return this.stores.getStores()
			.stream()
			.filter((store) -> store.getResource().getLayout().prefixes().contains(layer))
			.toList();
	}

	// A layer of this application that it does not read, such as a profile it does not
	// run.
	private boolean isOwnFolder(String layer) {
		if (this.applicationName == null) {
			return false;
		}
		for (EtcdConfigStore store : this.stores.getStores()) {
			for (String folder : store.getResource().getLayout().applicationFolders()) {
				if (layer.startsWith(folder + this.applicationName + "/")) {
					return true;
				}
			}
		}
		return false;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
