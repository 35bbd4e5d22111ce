package io.github.etcdconfig.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.test.EtcdClusterExtension;
import io.github.etcdconfig.test.EtcdKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against a real etcd: exit codes, JSON output, help and completion,
 * masking, and the commands a README tells operators to run.
 */
class EtcdConfigCliTests {

	@RegisterExtension
	static EtcdClusterExtension etcd = new EtcdClusterExtension();

	static EtcdKeys keys;

	static Cli cli;

	@TempDir
	Path dir;

	@BeforeAll
	static void connect() {
		keys = new EtcdKeys(etcd.cluster().newClient());
		cli = new Cli("--endpoints", etcd.cluster().endpointsProperty());
	}

	@AfterAll
	static void close() {
		keys.close();
	}

	@Test
	void everyCommandHasHelpWithAnExampleAndTheExitCodesAreListed() {
		for (String command : List.of("push", "diff", "get", "history", "rollback", "status", "promote", "abandon",
				"export")) {
			Cli.Result help = cli.run(command, "--help");
			assertThat(help.exitCode()).as(command).isZero();
			assertThat(help.out()).as(command).contains("Example").contains("etcd-config " + command);
		}
		assertThat(new Cli().run("--help").out()).contains("3  conflict: the layer changed meanwhile; nothing written");
	}

	@Test
	void bashCompletionComesFromTheCommandLineLibrary() {
		Cli.Result completion = new Cli().run("generate-completion");
		assertThat(completion.exitCode()).isZero();
		assertThat(completion.out()).contains("complete -F").contains("push").contains("--from-profile");
	}

	@Test
	void diffExitsOneWithADifferenceAndZeroWithoutAsJson() throws IOException {
		Path file = file("diffed.yml", "greeting: hello\n");
		Cli.Result different = cli.run("diff", file.toString(), "--app", "diffed", "-o", "json");
		assertThat(different.exitCode()).isEqualTo(EtcdConfigCli.DIFFERENCES);
		assertThat(changes(different.json())).containsExactly(Map.of("key", "/config-apps/diffed/greeting", "name",
				"greeting", "type", "ADDED", "newValue", "hello"));

		keys.put("/config-apps/diffed/greeting", "hello");
		Cli.Result same = cli.run("diff", file.toString(), "--app", "diffed", "-o", "json");
		assertThat(same.exitCode()).isEqualTo(EtcdConfigCli.OK);
		assertThat(changes(same.json())).isEmpty();
	}

	@Test
	void aPushAsksAndWritesNothingUnlessConfirmed() throws IOException {
		Path file = file("asked.yml", "greeting: hello\n");
		Cli.Result declined = cli.answering("n\n", "push", file.toString(), "--app", "asked");
		assertThat(declined.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		assertThat(declined.out()).contains("+ greeting = hello");
		assertThat(declined.err()).contains("Publish? [y/N]").contains("Not confirmed; nothing written.");
		assertThat(keys.value("/config-apps/asked/greeting")).isNull();

		Cli.Result confirmed = cli.answering("y\n", "push", file.toString(), "--app", "asked", "-o", "json", "--author",
				"alice", "-m", "hello");
		assertThat(confirmed.exitCode()).isZero();
		Map<String, Object> release = first(confirmed.json().get("releases"));
		assertThat(release).containsEntry("id", 1).containsEntry("author", "alice").containsEntry("message", "hello");
		assertThat(keys.value("/config-apps/asked/greeting")).isEqualTo("hello");
	}

	@Test
	void invalidInputExitsTwoNamingTheFileLineAndColumn() throws IOException {
		Path file = file("broken.yml", "a: [1\n");
		Cli.Result broken = cli.run("push", file.toString(), "--app", "broken", "--yes", "-o", "json");
		assertThat(broken.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		assertThat(broken.json().get("error")).isEqualTo(Map.of("reason", "INVALID", "message",
				file + ": the document does not parse: expected ',' or ']', but got <stream end> at line 2, column 1"));
	}

	@Test
	void aChangeWhileTheOperatorReadsTheDifferenceIsAConflictThatExitsThree() throws IOException {
		keys.put("/config-apps/raced/greeting", "hello");
		Path file = file("raced.yml", "greeting: hi\n");
		Reader someoneElseFirst = new Reader() {

			private final Reader answer = new StringReader("y\n");

			@Override
			public int read(char[] buffer, int offset, int length) throws IOException {
				keys.put("/config-apps/raced/greeting", "bonjour");
				return this.answer.read(buffer, offset, length);
			}

			@Override
			public void close() {
			}

		};
		Cli.Result raced = cli.run(someoneElseFirst, "push", file.toString(), "--app", "raced");
		assertThat(raced.exitCode()).isEqualTo(EtcdConfigCli.CONFLICT);
		assertThat(raced.err()).contains("changed after it was read").contains("nothing was written");
		assertThat(keys.value("/config-apps/raced/greeting")).isEqualTo("bonjour");
	}

	@Test
	void aWaitThatTimesOutExitsFourNamingTheInstancesThatHaveNotApplied() {
		keys.put("/services/waited/waited-1", "{\"host\":\"127.0.0.1\",\"port\":8080,\"config\":{\"revision\":1}}");
		keys.put("/services/waited/waited-2", "{\"endpoint\":\"http://127.0.0.1:8081\",\"status\":\"healthy\"}");
		Cli.Result waited = cli.run("status", "--app", "waited", "--wait", "999999", "--timeout", "300ms");
		assertThat(waited.exitCode()).isEqualTo(EtcdConfigCli.TIMED_OUT);
		assertThat(waited.err()).contains("1 instance(s) of waited have not applied revision 999999: waited/waited-1");
		assertThat(waited.out()).contains("1 instance(s) report no configuration revision");

		Cli.Result status = cli.run("status", "--app", "waited", "-o", "json");
		assertThat(status.exitCode()).isZero();
		assertThat((List<?>) status.json().get("instances")).hasSize(2);
		assertThat(first(status.json().get("instances"))).containsEntry("revision", 1)
			.containsEntry("uri", "http://127.0.0.1:8080");
	}

	@Test
	void anInstanceThatReportsNoRevisionHasNoStaleFlagEither() {
		keys.put("/services/unreported/node-1", "{\"endpoint\":\"http://127.0.0.1:8081\",\"status\":\"healthy\"}");

		Cli.Result json = cli.run("status", "--app", "unreported", "-o", "json");
		assertThat(first(json.json().get("instances"))).doesNotContainKey("revision").doesNotContainKey("stale");
		Cli.Result text = cli.run("status", "--app", "unreported");
		assertThat(text.out()).doesNotContain(" no ").contains("unreported/node-1");
	}

	@Test
	void aWaitOnAMixedApplicationSaysOnlyTheReportingInstancesWereWaitedFor() throws IOException {
		keys.put("/services/mixed/java-1", "{\"host\":\"127.0.0.1\",\"port\":8080,\"config\":{\"revision\":1}}");
		keys.put("/services/mixed/node-1", "{\"endpoint\":\"http://127.0.0.1:8081\",\"status\":\"healthy\"}");
		Path file = file("mixed.yml", "greeting: hello\n");
		Cli.Result push = cli.run("push", file.toString(), "--app", "mixed", "--yes");
		long revision = keys.get("/config-apps/mixed/greeting").getModRevision();
		keys.put("/services/mixed/java-1",
				"{\"host\":\"127.0.0.1\",\"port\":8080,\"config\":{\"revision\":" + revision + "}}");

		Cli.Result waited = cli.run("status", "--app", "mixed", "--wait", Long.toString(revision));
		assertThat(push.exitCode()).isZero();
		assertThat(waited.exitCode()).isZero();
		assertThat(waited.out())
			.contains("Every instance of mixed that reports its configuration has applied revision " + revision)
			.contains("1 instance(s) report no configuration revision");
	}

	@Test
	void aMissingFileIsNamedInWords() {
		Cli.Result push = cli.run("push", this.dir.resolve("nonexist.yml").toString(), "--app", "missing");
		assertThat(push.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		assertThat(push.err()).contains("nonexist.yml: no such file").doesNotContain("Exception");
	}

	@Test
	void anUnreachableEtcdExitsFive() {
		Cli.Result unreachable = new Cli("--endpoints", "http://127.0.0.1:1", "--command-timeout", "1s").run("get",
				"--app", "billing", "-o", "json");
		assertThat(unreachable.exitCode()).isEqualTo(EtcdConfigCli.UNAVAILABLE);
		assertThat(unreachable.json().get("error")).asString().contains("UNAVAILABLE");
	}

	@Test
	void aFileThatEmptiesTheLayerIsRefusedUnderYesUnlessEmptyIsAllowed() throws IOException {
		keys.put("/config-apps/emptied/greeting", "hello");
		Path empty = file("empty.yml", "");
		Cli.Result refused = cli.run("push", empty.toString(), "--app", "emptied", "--prune", "--yes");
		assertThat(refused.exitCode()).isEqualTo(EtcdConfigCli.INVALID);
		assertThat(refused.err()).contains("deletes every key of the layer").contains("--allow-empty");
		assertThat(keys.value("/config-apps/emptied/greeting")).isEqualTo("hello");

		assertThat(
				cli.run("push", empty.toString(), "--app", "emptied", "--prune", "--yes", "--allow-empty").exitCode())
			.isZero();
		assertThat(keys.value("/config-apps/emptied/greeting")).isNull();
	}

	@Test
	void valuesWhoseNamesLookSensitiveAreMaskedUnlessShown() {
		keys.put("/config/masked/password", "hunter2");
		keys.put("/config-apps/masked/masked/user", "alice");
		Cli.Result masked = cli.run("get", "--app", "masked");
		assertThat(masked.out()).contains("masked.password = ******   (/config/masked/password, revision")
			.contains("masked.user = alice")
			.doesNotContain("hunter2");
		assertThat(cli.run("get", "masked.password", "--app", "masked", "--show-values").out())
			.contains("masked.password = hunter2");
	}

	@Test
	void aReleaseIsInTheHistoryAndARollbackToZeroEmptiesTheLayerAgain() throws IOException {
		Path file = file("history.yml", "greeting: hello\n");
		assertThat(cli.run("push", file.toString(), "--app", "historic", "--yes", "-m", "first").exitCode()).isZero();
		Cli.Result history = cli.run("history", "--app", "historic", "-o", "json");
		assertThat(first(history.json().get("releases"))).containsEntry("id", 1)
			.containsEntry("message", "first")
			.containsEntry("added", 1);
		assertThat(cli.run("history", "greeting", "--app", "historic").out()).contains("hello").contains("first");

		Cli.Result rollback = cli.run("rollback", "--app", "historic", "--to", "0", "--yes");
		assertThat(rollback.exitCode()).isZero();
		assertThat(rollback.out()).contains("- greeting (was hello)").contains("Published release 2");
		assertThat(keys.value("/config-apps/historic/greeting")).isNull();
	}

	@Test
	void abandonEmptiesAGrayReleasesLayerAsARecordedReleaseAndHasNothingToDoTheSecondTime() {
		keys.put("/config-apps/abandoned/greeting", "hello");
		keys.put("/config-apps/abandoned/profiles/canary/greeting", "hola");

		Cli.Result abandon = cli.run("abandon", "--app", "abandoned", "--profile", "canary", "--yes", "-m",
				"canary errors");
		assertThat(abandon.exitCode()).isZero();
		assertThat(abandon.out()).contains("- greeting (was hola)")
			.contains("Published release 1 of /config-apps/abandoned/profiles/canary/");
		assertThat(keys.value("/config-apps/abandoned/profiles/canary/greeting")).isNull();
		assertThat(keys.value("/config-apps/abandoned/greeting")).isEqualTo("hello");
		assertThat(cli.run("history", "--app", "abandoned", "--profile", "canary").out())
			.contains("abandon profile canary: canary errors");

		Cli.Result again = cli.run("abandon", "--app", "abandoned", "--profile", "canary", "--yes");
		assertThat(again.exitCode()).isZero();
		assertThat(again.out()).contains("Nothing to release");
		assertThat(cli.run("abandon", "--app", "abandoned").exitCode()).isEqualTo(EtcdConfigCli.INVALID);
	}

	@Test
	void theReadmesMigrationMovesAnApplicationsLayersFromTheOldLayout() throws IOException {
		keys.put("/config/database/host", "shared");
		keys.put("/config/legacy/database/host", "legacy");
		keys.put("/config/legacy/prod/database/host", "legacy-prod");
		String old = "/config/,/config/{application}/,/config/{application}/{profile}/";

		Cli.Result app = cli.run("export", "--prefixes", old, "--app", "legacy");
		Files.writeString(this.dir.resolve("legacy.yml"), app.out());
		Cli.Result prod = cli.run("export", "--prefixes", old, "--app", "legacy", "--profile", "prod");
		Files.writeString(this.dir.resolve("legacy-prod.yml"), prod.out());
		assertThat(cli
			.answering("y\n", "push", this.dir.resolve("legacy.yml").toString(), "--app", "legacy", "--message",
					"move to /config-apps/")
			.exitCode()).isZero();
		assertThat(cli
			.answering("y\n", "push", this.dir.resolve("legacy-prod.yml").toString(), "--app", "legacy", "--profile",
					"prod", "--message", "move to /config-apps/")
			.exitCode()).isZero();

		assertThat(keys.value("/config-apps/legacy/database/host")).isEqualTo("legacy");
		assertThat(keys.value("/config-apps/legacy/profiles/prod/database/host")).isEqualTo("legacy-prod");
		assertThat(cli.run("get", "database.host", "--app", "legacy", "--profile", "prod").out())
			.contains("database.host = legacy-prod");
	}

	private Path file(String name, String text) throws IOException {
		return Files.writeString(this.dir.resolve(name), text);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> changes(Map<String, Object> json) {
		Map<String, Object> plan = (Map<String, Object>) json.get("plan");
		return (List<Object>) first(plan.get("layers")).get("changes");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> first(Object list) {
		return (Map<String, Object>) ((List<Object>) list).get(0);
	}

}
