package io.github.etcdconfig.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import org.springframework.boot.convert.DurationStyle;

/**
 * {@code etcd-config}: checks, publishes, records and rolls back configuration in etcd,
 * and shows which instances have it. A thin command line over
 * {@code etcd-config-release}'s {@code EtcdReleases}.
 */
@Command(name = "etcd-config", mixinStandardHelpOptions = true, versionProvider = EtcdConfigCli.Version.class,
		description = "Checks, publishes, records and rolls back configuration in etcd, and shows which instances "
				+ "have it. Connects like etcdctl: ETCDCTL_ENDPOINTS, ETCDCTL_USER, ETCDCTL_PASSWORD, ETCDCTL_CACERT, "
				+ "ETCDCTL_CERT and ETCDCTL_KEY are the defaults.",
		subcommands = { EtcdPushCommand.class, EtcdDiffCommand.class, EtcdGetCommand.class, EtcdHistoryCommand.class,
				EtcdRollbackCommand.class, EtcdStatusCommand.class, EtcdPromoteCommand.class, EtcdAbandonCommand.class,
				EtcdExportCommand.class, EtcdRolloutCommand.class, AutoComplete.GenerateCompletion.class },
		footerHeading = "%nExit codes:%n",
		footer = { "  0  done, or nothing to do", "  1  differences found (diff)",
				"  2  invalid input or not confirmed; nothing written",
				"  3  conflict: the layer changed meanwhile; nothing written (also while a staged rollout of the "
						+ "application runs)",
				"  4  a wait timed out", "  5  etcd unreachable, or permission denied",
				"  6  rejected by an instance: a property would not bind, validate or resolve there; nothing written "
						+ "(push, rollback, promote), or the release was refused (--wait)",
				"  7  the staged rollout was rolled back (an instance of the subset failed: named with the cause) or "
						+ "aborted",
				"", "Example:%n  etcd-config push billing.yml --app billing --message \"raise the rate limit\"" })
public class EtcdConfigCli implements Callable<Integer> {

	/** Done, or nothing to do. */
	public static final int OK = 0;

	/** {@code diff} found differences. */
	public static final int DIFFERENCES = 1;

	/** Invalid input or options, or not confirmed; nothing written. */
	public static final int INVALID = 2;

	/** Someone changed the layer meanwhile; nothing written. */
	public static final int CONFLICT = 3;

	/** A wait timed out. */
	public static final int TIMED_OUT = 4;

	/** etcd unreachable, or permission denied. */
	public static final int UNAVAILABLE = 5;

	/** A running instance rejects the release, or refused to apply it. */
	public static final int REJECTED = 6;

	/** A staged rollout was rolled back, or aborted. */
	public static final int ROLLED_BACK = 7;

	private final BufferedReader in;

	@Spec
	private CommandSpec spec;

	@Mixin
	EtcdCliConnection connection;

	@Mixin
	EtcdCliSettings settings;

	@Mixin
	EtcdCliOutput output;

	EtcdConfigCli(BufferedReader in) {
		this.in = in;
	}

	public static void main(String[] args) {
		// gRPC logs through java.util.logging: only warnings, so that output stays the
		// command's own.
		Logger.getLogger("").setLevel(Level.WARNING);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		System.exit(commandLine(in).execute(args));
	}

	/**
	 * The command line, reading confirmations from {@code in}.
	 * @param in where answers come from
	 * @return the command line, ready to execute
	 */
	public static CommandLine commandLine(BufferedReader in) {
		CommandLine commandLine = new CommandLine(new EtcdConfigCli(in));
		commandLine.registerConverter(Duration.class, DurationStyle::detectAndParse);
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		commandLine.setExitCodeExceptionMapper((ex) -> INVALID);
		return commandLine;
	}

	BufferedReader in() {
		return this.in;
	}

	/**
	 * Without a command: the usage, as an invalid invocation.
	 * @return {@link #INVALID}
	 */
	@Override
	public Integer call() {
		this.spec.commandLine().usage(this.spec.commandLine().getErr());
		return INVALID;
	}

	/**
	 * The version of this build.
	 */
	static class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() throws IOException {
			Properties properties = new Properties();
			try (InputStream stream = EtcdConfigCli.class.getResourceAsStream("/etcd-config-cli.properties")) {
				if (stream != null) {
					properties.load(stream);
				}
			}
			return new String[] { "etcd-config " + properties.getProperty("version", "(unknown version)") };
		}

	}

}
