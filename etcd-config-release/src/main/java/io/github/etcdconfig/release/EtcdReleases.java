package io.github.etcdconfig.release;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.github.etcdconfig.config.EtcdConfigLayout;

/**
 * Safe releases of configuration into etcd, for the CLI and a web console: check files
 * and show what they change, publish the change and its record as one transaction, read
 * the history, roll a layer back, promote a gray release, and see which instances have
 * applied a revision.
 *
 * <p>
 * Reading and validating use the starter's own code (key mapping, Spring Boot's loaders,
 * layering), so a file accepted here loads in the application exactly as shown. Every
 * etcd call has the settings' deadline. Nothing is ever written outside the layers chosen
 * and their release records.
 *
 * <pre>{@code
 * EtcdReleases releases = new EtcdReleases(client, EtcdReleaseSettings.defaults());
 * EtcdLayer billing = releases.layer("billing", null);
 * EtcdReleasePlan plan = releases.planPush(billing, List.of(EtcdConfigFile.read(path)), EtcdPushOptions.DEFAULT);
 * // show plan.changes(), ask
 * EtcdVerification verdicts = releases.verify(plan, "alice", Duration.ofSeconds(5));
 * // show verdicts.verdicts(); a rejected plan is refused
 * List<EtcdRelease> published = releases.publish(plan, "alice", "raise the rate limit", verdicts);
 * EtcdRollout rollout = releases.awaitRevision("billing", published.get(0).revision(), Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>
 * Thread-safe: it holds no state of its own besides the client.
 */
public final class EtcdReleases {

	private final EtcdReleaseSettings settings;

	private final EtcdReleaseRecords records;

	private final EtcdReleasePlanner planner;

	private final EtcdReleasePublisher publisher;

	private final EtcdConfigViews views;

	private final EtcdInstances instances;

	private final EtcdFolders folders;

	private final EtcdProposals proposals;

	private final Clock clock;

	private final Client client;

	private final EtcdRollouts rollouts;

	/**
	 * Create the releases of an etcd cluster.
	 * @param client the client, closed by the caller
	 * @param settings the prefixes and limits
	 */
	public EtcdReleases(Client client, EtcdReleaseSettings settings) {
		this(client, settings, Clock.systemUTC());
	}

	EtcdReleases(Client client, EtcdReleaseSettings settings, Clock clock) {
		KV kv = client.getKVClient();
		this.settings = settings;
		this.records = new EtcdReleaseRecords(kv, settings.releasesPrefix(), settings.timeout());
		this.planner = new EtcdReleasePlanner(kv, this.records, settings);
		EtcdRolloutStore rolloutStore = new EtcdRolloutStore(kv, settings.releasesPrefix(), settings.timeout());
		this.publisher = new EtcdReleasePublisher(kv, this.records, settings, rolloutStore);
		this.views = new EtcdConfigViews(kv, settings.timeout());
		this.instances = new EtcdInstances(kv, client.getWatchClient(), settings.servicesPrefix(), settings.timeout());
		this.folders = new EtcdFolders(kv, settings.timeout());
		this.proposals = new EtcdProposals(kv, client.getLeaseClient(), this.instances, settings);
		this.clock = clock;
		this.client = client;
		this.rollouts = new EtcdRollouts(kv, settings, rolloutStore, this.planner, this.publisher, this.instances,
				clock);
	}

	public EtcdReleaseSettings getSettings() {
		return this.settings;
	}

	/**
	 * Choose a layer with these settings' prefixes.
	 * @param application the application, or {@code null} for the shared layer
	 * @param profile the profile, or {@code null} for the application's own layer
	 * @return the layer
	 * @throws EtcdReleaseException (invalid) when the prefixes have no such layer
	 */
	public EtcdLayer layer(String application, String profile) {
		return EtcdLayer.of(this.settings.prefixes(), application, profile);
	}

	/**
	 * The applications there are: those with a folder of configuration or of release
	 * records in the application folders of the prefixes ({@code /config-apps/}), and
	 * those with instances in the registry.
	 * @return the names, sorted
	 */
	public List<String> applications() {
		Set<String> names = new TreeSet<>();
		names.addAll(subfolders(EtcdConfigLayout.resolve(this.settings.prefixes(), null, List.of()),
				EtcdConfigLayout::applicationFolders));
		this.instances.list(null).forEach((instance) -> names.add(instance.service()));
		return List.copyOf(names);
	}

	/**
	 * The layers of an application: its own, then one per profile that has a layer.
	 * @param application the application, or {@code null} for the shared layer alone
	 * @return the layers
	 */
	public List<EtcdLayer> layers(String application) {
		List<EtcdLayer> layers = new ArrayList<>();
		layers.add(layer(application, null));
		if (application != null) {
			profiles(application).forEach((profile) -> layers.add(layer(application, profile)));
		}
		return layers;
	}

	/**
	 * The newest release of an application's layers.
	 * @param application the application, or {@code null} for the shared layer
	 * @return the release, or {@code null} when its layers have none
	 */
	public EtcdRelease newest(String application) {
		return layers(application).stream()
			.flatMap((layer) -> history(layer, 1).stream())
			.max(Comparator.comparingLong(EtcdRelease::revision))
			.orElse(null);
	}

	/**
	 * The profiles of an application that have a layer: keys, or release records (a gray
	 * release promoted or abandoned leaves its history), in the application's profile
	 * folder ({@code /config-apps/billing/profiles/}).
	 * @param application the application
	 * @return the profiles, sorted
	 */
	public List<String> profiles(String application) {
		EtcdLayer layer = layer(application, null);
		return List.copyOf(subfolders(layer.layout(), EtcdConfigLayout::profileFolders));
	}

	// A folder that is itself a layer (the layout of 0.1.0, /config/{application}/) holds
	// that layer's property
	// groups too, which cannot be told from other layers' folders: it is left out.
	private Set<String> subfolders(EtcdConfigLayout layout, Function<EtcdConfigLayout, List<String>> reserved) {
		Set<String> names = new TreeSet<>();
		for (String folder : reserved.apply(layout)) {
			if (!layout.prefixes().contains(folder)) {
				names.addAll(this.folders.names(folder));
				names.addAll(this.folders.names(this.settings.releasesPrefix() + folder.substring(1)));
			}
		}
		return names;
	}

	/**
	 * What pushing files to a layer would change. The files are validated first: a file
	 * that does not parse (with its line and column), a property no key can carry, a
	 * value that is not UTF-8, or pruning an unknown layer is refused.
	 * @param layer the layer
	 * @param files the files; a property of a later file wins
	 * @param options prune, or one document key
	 * @return the plan; {@link EtcdReleasePlan#isEmpty()} when nothing would change
	 * @throws EtcdReleaseException when the files cannot be released or etcd cannot be
	 * read
	 */
	public EtcdReleasePlan planPush(EtcdLayer layer, List<EtcdConfigFile> files, EtcdPushOptions options) {
		return this.planner.push(layer, files, options);
	}

	/**
	 * What bringing a layer back to how it was right after one of its releases would
	 * change: every later release undone. Changes made to the layer outside releases are
	 * kept, unless a later release changed the same key. Works after etcd compacted its
	 * history: the release records hold the values.
	 * @param layer the layer
	 * @param release the release to go back to; 0 for the layer before its first release
	 * @return the plan
	 * @throws EtcdReleaseException (invalid) when the layer has no such release, or no
	 * longer keeps it
	 */
	public EtcdReleasePlan planRollback(EtcdLayer layer, long release) {
		return this.planner.rollback(layer, release);
	}

	/**
	 * What a gray release's promotion would change: every key of the profile's layer
	 * moved into the application's layer, and the profile's layer emptied. Both layers
	 * get a release.
	 * @param application the application
	 * @param profile the profile whose instances had the change first, such as
	 * {@code canary}
	 * @return the plan
	 */
	public EtcdReleasePlan planPromote(String application, String profile) {
		Objects.requireNonNull(application, "application");
		Objects.requireNonNull(profile, "profile");
		return this.planner.promote(application, profile);
	}

	/**
	 * What ending a gray release without promoting it would change: every key of the
	 * profile's layer deleted, recorded as an abandon.
	 * @param application the application
	 * @param profile the profile whose instances had the change first
	 * @return the plan; empty when the layer has no key
	 * @throws EtcdReleaseException (invalid) when other layers share the profile layer's
	 * folder, so its keys cannot be told from theirs
	 */
	public EtcdReleasePlan planAbandon(String application, String profile) {
		Objects.requireNonNull(application, "application");
		Objects.requireNonNull(profile, "profile");
		return this.planner.abandon(application, profile);
	}

	/**
	 * What an edit of a layer's properties would change, and nothing else: the text holds
	 * the layer's properties as {@link #properties(EtcdLayer)} shows them, edited. A
	 * property whose value is unchanged, or left masked ({@link EtcdReleaseMasks#MASK})
	 * where the masks hide it, keeps its key and value. A changed property is written to
	 * the key that holds it: a plain key stays a plain key, and a document key stays a
	 * document, written again with the edit. A new property gets a key of its own. A
	 * property left out is deleted, unless the layer {@linkplain #prunable(EtcdLayer)
	 * cannot be pruned}.
	 * @param layer the layer
	 * @param edited the edited text, as a .yml, .yaml or .properties file
	 * @param masks the masks the text was shown with
	 * @return the plan
	 * @throws EtcdReleaseException (invalid) when the text does not parse or a new
	 * property cannot be carried by a key
	 */
	public EtcdReleasePlan planEdit(EtcdLayer layer, EtcdConfigFile edited, EtcdReleaseMasks masks) {
		return this.planner.edit(layer, edited, masks);
	}

	/**
	 * Whether keys of a layer may be deleted when files or an edit leave them out: not
	 * when the layers of other applications or profiles lie in its folder (the layout of
	 * 0.1.0, {@code /config/{application}/}), whose keys cannot be told from its own.
	 * @param layer the layer
	 * @return whether they may
	 */
	public boolean prunable(EtcdLayer layer) {
		return this.planner.prunable(layer);
	}

	/**
	 * Refuse a plan that does not fit in one etcd transaction, before asking anyone to
	 * confirm it.
	 * @param plan the plan
	 * @throws EtcdReleaseException (invalid) naming the limit, and what to do instead
	 */
	public void checkSize(EtcdReleasePlan plan) {
		this.publisher.checkSize(plan);
	}

	/**
	 * Ask the running instances whether they would apply a plan, before it is published.
	 * The plan is written as a proposal under the proposals prefix; every registered
	 * instance of the layer's application (of every application for the shared layer)
	 * that verifies evaluates it against its own beans (binding, validation, conversion
	 * of {@code @Value}s, placeholders) and answers in its registration. The wait ends
	 * once every one has answered, or after {@code wait}; then the proposal is removed.
	 * No configuration is written.
	 * @param plan the plan, not empty
	 * @param by who asks, written into the proposal, or {@code null}
	 * @param wait how long to wait for the answers
	 * @return the answers; {@link EtcdVerification#isRejected()} when an instance refuses
	 * the plan
	 */
	public EtcdVerification verify(EtcdReleasePlan plan, String by, Duration wait) {
		if (plan.isEmpty()) {
			throw EtcdReleaseException.invalid("Nothing to verify: the release changes no key");
		}
		return this.proposals.verify(plan, by, wait);
	}

	/**
	 * Publish a plan without asking the running instances first: its changes and a
	 * release record per layer in one transaction, which fails if any key of its layers
	 * changed since the plan was read. Records beyond the number kept are removed in the
	 * same transaction.
	 * @param plan the plan, not empty
	 * @param author who publishes it
	 * @param message why, or {@code null}
	 * @return the releases, one per layer, with the transaction's revision
	 * @throws EtcdReleaseException (conflict) when a layer changed meanwhile; (invalid)
	 * when the plan is too big; nothing is written in either case
	 */
	public List<EtcdRelease> publish(EtcdReleasePlan plan, String author, String message) {
		return publish(plan, author, message, null);
	}

	/**
	 * Publish a plan that the running instances were asked about ({@link #verify}), and
	 * keep their answers in its release records. A plan an instance rejected is refused.
	 * @param plan the plan, not empty
	 * @param author who publishes it
	 * @param message why, or {@code null}
	 * @param verification the instances' answers, or {@code null} when they were not
	 * asked
	 * @return the releases, one per layer, with the transaction's revision
	 * @throws EtcdReleaseException (rejected) naming the instances and the properties
	 * they refuse; (conflict) when a layer changed meanwhile; (invalid) when the plan is
	 * too big; nothing is written in any case
	 */
	public List<EtcdRelease> publish(EtcdReleasePlan plan, String author, String message,
			EtcdVerification verification) {
		if (plan.isEmpty()) {
			throw EtcdReleaseException.invalid("Nothing to publish: the release changes no key");
		}
		if (verification != null && verification.isRejected()) {
			throw rejected(verification);
		}
		return this.publisher.publish(plan, author, message, this.clock.instant(), verification);
	}

	/**
	 * The refusal of a plan that instances rejected.
	 * @param verification the answers, one of them a rejection
	 * @return the exception (rejected), naming each instance that rejects it with the
	 * properties and reasons
	 */
	public static EtcdReleaseException rejected(EtcdVerification verification) {
		return new EtcdReleaseException(EtcdReleaseException.Reason.REJECTED,
				"Rejected by " + verification.rejections().size()
						+ " instance(s); nothing was written. Fix the properties named and try again: "
						+ verification.describeRejections());
	}

	/**
	 * What changed in the layers of a plan since it was read: the releases published
	 * meanwhile, and the keys written outside releases. It tells the operator of a
	 * conflicting release what the other change was.
	 * @param plan the plan
	 * @param limit the most releases of each layer to look through
	 * @return per layer of the plan, what changed
	 */
	public List<EtcdChangesSince> changesSince(EtcdReleasePlan plan, int limit) {
		long base = plan.baseRevision();
		List<EtcdChangesSince> changes = new ArrayList<>();
		for (EtcdLayerChange change : plan.layers()) {
			EtcdLayer layer = change.layer();
			List<EtcdRelease> meanwhile = history(layer, limit).stream()
				.filter((release) -> release.revision() > base)
				.toList();
			Set<Long> released = new HashSet<>();
			meanwhile.forEach((release) -> released.add(release.revision()));
			List<EtcdProperty> outside = properties(layer).properties()
				.stream()
				.filter((property) -> property.revision() > base && !released.contains(property.revision()))
				.toList();
			changes.add(new EtcdChangesSince(layer, meanwhile, outside));
		}
		return changes;
	}

	/**
	 * The releases of a layer, newest first.
	 * @param layer the layer
	 * @param limit the most to return
	 * @return the releases
	 */
	public List<EtcdRelease> history(EtcdLayer layer, int limit) {
		return this.records.read(layer, 0, limit, 0);
	}

	/**
	 * One property's past values in a layer: the releases that changed it, newest first,
	 * with its value before and after each. A property held in a document key is followed
	 * through the document.
	 * @param layer the layer
	 * @param name the property
	 * @param limit the most releases to look through
	 * @return the releases that changed it
	 */
	public List<EtcdPropertyRelease> propertyHistory(EtcdLayer layer, String name, int limit) {
		List<EtcdPropertyRelease> history = new ArrayList<>();
		for (EtcdRelease release : history(layer, limit)) {
			for (EtcdKeyChange change : release.changes()) {
				if (name.equals(change.name()) && !Objects.equals(change.oldValue(), change.newValue())) {
					history.add(propertyRelease(release, change.key(), change.oldValue(), change.newValue()));
				}
				change.properties()
					.stream()
					.filter((property) -> property.name().equals(name))
					.forEach((property) -> history
						.add(propertyRelease(release, change.key(), property.oldValue(), property.newValue())));
			}
		}
		return history;
	}

	private static EtcdPropertyRelease propertyRelease(EtcdRelease release, String key, Object before, Object after) {
		return new EtcdPropertyRelease(release.id(), release.time(), release.author(), release.message(), key, before,
				after);
	}

	/**
	 * The properties an instance of the layer's application, started with its profile,
	 * would see now: every layer resolved, each property with the key and revision it
	 * comes from.
	 * @param layer the layer chosen
	 * @return the view
	 */
	public EtcdConfigView effective(EtcdLayer layer) {
		return this.views.effective(layer);
	}

	/**
	 * Which lower layers a view's properties override: for each property, the prefixes of
	 * the layers below the one it comes from that hold it too, lowest first.
	 * @param view an effective view ({@link #effective(EtcdLayer)})
	 * @return per property name, the prefixes it overrides; none for a property no lower
	 * layer holds
	 */
	public Map<String, List<String>> overrides(EtcdConfigView view) {
		EtcdLayer chosen = view.layer();
		List<EtcdLayer> lower = new ArrayList<>();
		lower.add(layer(null, null));
		if (chosen.profile() != null) {
			lower.add(layer(chosen.application(), null));
		}
		Map<String, List<String>> overrides = new HashMap<>();
		for (EtcdLayer layer : lower) {
			Set<String> names = new HashSet<>();
			properties(layer).properties().forEach((property) -> names.add(property.name()));
			for (EtcdProperty property : view.properties()) {
				if (layer.index() < chosen.layout().layerOf(property.key()) && names.contains(property.name())) {
					overrides.computeIfAbsent(property.name(), (name) -> new ArrayList<>()).add(layer.prefix());
				}
			}
		}
		return overrides;
	}

	/**
	 * The properties of one layer alone, as {@code push} takes them back.
	 * @param layer the layer
	 * @return the view
	 */
	public EtcdConfigView properties(EtcdLayer layer) {
		return this.views.layer(layer);
	}

	/**
	 * The properties of a file as an application of a layer would read it from a document
	 * key of that layer, without reading etcd: what a push of the file as a document
	 * would hold.
	 * @param layer the layer
	 * @param file the file
	 * @return the properties, by name, each with the document key
	 * @throws EtcdReleaseException (invalid) naming the file, line and column when it
	 * does not parse
	 */
	public EtcdConfigView read(EtcdLayer layer, EtcdConfigFile file) {
		String key = EtcdConfigFiles.documentKey(layer, file);
		List<EtcdProperty> properties = new ArrayList<>();
		new TreeMap<>(EtcdConfigFiles.properties(layer, file.name(), key, file.content()))
			.forEach((name, value) -> properties.add(new EtcdProperty(name, value, key, 0, layer.prefix())));
		return new EtcdConfigView(layer, 0, properties, List.of());
	}

	/**
	 * The registered instances of an application, with the configuration each has
	 * applied.
	 * @param application the application, or {@code null} for every application
	 * @return the instances
	 */
	public List<EtcdInstanceStatus> instances(String application) {
		return this.instances.list(application);
	}

	/**
	 * Wait until every registered instance of an application that reports its
	 * configuration has applied a revision, or until one of them reports that it refused
	 * it ({@link EtcdRollout#rejected()}): it keeps its old values and will not apply it.
	 * Instances that leave the registry meanwhile are listed as gone, not waited for.
	 * @param application the application, or {@code null} for every application
	 * @param revision the revision, such as a release's
	 * @param timeout how long to wait
	 * @return who has applied it; {@link EtcdRollout#complete()} is false when the time
	 * ran out
	 */
	public EtcdRollout awaitRevision(String application, long revision, Duration timeout) {
		return this.instances.await(application, revision, timeout);
	}

	/**
	 * Start a staged rollout of a release of an application's layer: its values go to the
	 * instances of the first stage only, through the layer's {@code _rollout/} folder,
	 * which each instance matches against itself. One transaction writes the selector,
	 * the values and the rollout's state; it holds only if the layer is unchanged since
	 * the plan was read and no rollout of the application runs. Nothing drives the
	 * rollout yet: {@link #rolloutDriver(String)} does.
	 * @param plan a push or edit of an application's own layer, adding or changing keys
	 * only
	 * @param options the stages and the bake time
	 * @param author who starts it
	 * @param message why, or {@code null}
	 * @return the rollout, running at its first stage
	 * @throws EtcdReleaseException (invalid) when the plan is not of an application's
	 * layer, is empty, deletes a key, or is too big; (conflict) when a rollout of the
	 * application runs or is paused, or the layer changed meanwhile; nothing is written
	 * in any case
	 */
	public EtcdRolloutState startRollout(EtcdReleasePlan plan, EtcdRolloutOptions options, String author,
			String message) {
		return this.rollouts.start(plan, options, author, message);
	}

	/**
	 * The staged rollout of an application: running, paused, or the last one that ended.
	 * @param application the application
	 * @return the rollout, or empty when the application never had one
	 */
	public Optional<EtcdRolloutState> rollout(String application) {
		EtcdRolloutStore.Read read = this.rollouts.read(this.rollouts.layer(application));
		return Optional.ofNullable((read != null) ? read.state() : null);
	}

	/**
	 * Pause an application's rollout at its stage: its instances keep the values, and its
	 * driver lets go of it. Pausing a paused rollout does nothing.
	 * @param application the application
	 * @param by who pauses it
	 * @return the rollout, paused
	 * @throws EtcdReleaseException (invalid) when no rollout runs
	 */
	public EtcdRolloutState pauseRollout(String application, String by) {
		return this.rollouts.pause(application, by);
	}

	/**
	 * Resume a paused rollout: its stage bakes again in full. A driver must then drive it
	 * ({@link #rolloutDriver(String)}).
	 * @param application the application
	 * @param by who resumes it
	 * @return the rollout, running
	 * @throws EtcdReleaseException (invalid) when no rollout runs or is paused
	 */
	public EtcdRolloutState resumeRollout(String application, String by) {
		return this.rollouts.resume(application, by);
	}

	/**
	 * Abort a running or paused rollout: its values are removed from every instance, in
	 * one transaction with its state and record (cause {@code aborted by ...}).
	 * @param application the application
	 * @param by who aborts it
	 * @return the record of the aborted rollout
	 * @throws EtcdReleaseException (invalid) when no rollout runs or is paused
	 */
	public EtcdRelease abortRollout(String application, String by) {
		this.rollouts.active(application);
		EtcdRelease release = this.rollouts.rollBack(this.rollouts.layer(application), EtcdRolloutState.Status.ABORTED,
				new EtcdRolloutState.Cause(by, "aborted by " + by));
		if (release == null) {
			throw EtcdReleaseException.invalid("The rollout of " + application + " ended meanwhile");
		}
		return release;
	}

	/**
	 * A driver of an application's rollout, to run on a thread of the caller's.
	 * @param application the application
	 * @return the driver
	 */
	public EtcdRolloutDriver rolloutDriver(String application) {
		return new EtcdRolloutDriver(this.client, this.rollouts, this.instances, this.rollouts.layer(application),
				this.settings.timeout(), this.clock);
	}

}
