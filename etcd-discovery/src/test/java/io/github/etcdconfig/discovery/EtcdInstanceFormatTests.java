package io.github.etcdconfig.discovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.refresh.EtcdConfigRejection;
import io.github.etcdconfig.refresh.EtcdRejectedProperty;
import io.github.etcdconfig.verify.EtcdConfigVerdict;
import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The configuration status in a registration entry, as the operator tools read it:
 * {@code config.verifies}, {@code config.rejected} and {@code config.verdicts} beside the
 * applied revision, and older entries still readable.
 */
class EtcdInstanceFormatTests {

	private static final EtcdInstanceFormat FORMAT = new EtcdInstanceFormat();

	private static final EtcdRejectedProperty PORT = new EtcdRejectedProperty("server.port",
			"cannot be converted to int");

	@Test
	void aRejectedRevisionAndVerdictsAreWrittenAndReadBack() {
		EtcdConfigStatus status = new EtcdConfigStatus(41, false, "WATCHING", true,
				new EtcdConfigRejection(42, List.of(PORT)),
				List.of(EtcdConfigVerdict.rejected("p-2", List.of(PORT)), EtcdConfigVerdict.accepted("p-1"),
						EtcdConfigVerdict.ignored("p-0", "the proposal is not valid JSON")));

		assertThat(FORMAT.readConfigStatus(write(status))).isEqualTo(status);
	}

	@Test
	void theEntryUsesTheProtocolsFieldNames() {
		EtcdConfigStatus status = new EtcdConfigStatus(41, false, "WATCHING", true,
				new EtcdConfigRejection(42, List.of(PORT)), List.of(EtcdConfigVerdict.rejected("p-2", List.of(PORT)),
						EtcdConfigVerdict.ignored("p-1", "oversized")));

		Map<String, Object> config = config(write(status));

		assertThat(config).containsEntry("revision", 41).containsEntry("verifies", true);
		assertThat(config.get("rejected")).isEqualTo(Map.of("revision", 42, "properties",
				List.of(Map.of("name", "server.port", "reason", "cannot be converted to int"))));
		assertThat(config.get("verdicts")).isEqualTo(List.of(
				Map.of("proposal", "p-2", "verdict", "REJECTED", "properties",
						List.of(Map.of("name", "server.port", "reason", "cannot be converted to int"))),
				Map.of("proposal", "p-1", "verdict", "IGNORED", "reason", "oversized", "properties", List.of())));
	}

	@Test
	void withNothingRejectedNeitherRejectedNorVerdictsAreWritten() {
		Map<String, Object> config = config(write(new EtcdConfigStatus(7, false, "WATCHING", true, null, List.of())));

		assertThat(config).containsEntry("verifies", true).doesNotContainKeys("rejected", "verdicts");
	}

	@Test
	void anEntryOfAnOlderVersionReadsAsNotVerifyingWithNothingRejected() {
		byte[] older = "{\"host\": \"h\", \"port\": 1, \"config\": {\"revision\": 12, \"stale\": false, \"state\": \"WATCHING\"}}"
			.getBytes(StandardCharsets.UTF_8);

		assertThat(FORMAT.readConfigStatus(older)).isEqualTo(new EtcdConfigStatus(12, false, "WATCHING"));
	}

	@Test
	void aStatusKeepsTheNewestEightVerdicts() {
		List<EtcdConfigVerdict> verdicts = new ArrayList<>();
		for (int i = 10; i > 0; i--) {
			verdicts.add(EtcdConfigVerdict.accepted("p-" + i));
		}

		EtcdConfigStatus status = new EtcdConfigStatus(1, false, null, true, null, verdicts);

		assertThat(status.verdicts()).hasSize(EtcdConfigStatus.MAX_VERDICTS);
		assertThat(status.verdicts().get(0).proposal()).isEqualTo("p-10");
	}

	@Test
	void theStagedRolloutAnInstanceTakesIsWrittenAndReadBack() {
		EtcdConfigStatus status = new EtcdConfigStatus(41, false, "WATCHING", true, null, List.of(),
				new EtcdConfigStatus.Rollout("r-1", 40));

		assertThat(config(write(status))).containsEntry("rollout", Map.of("id", "r-1", "revision", 40));
		assertThat(FORMAT.readConfigStatus(write(status))).isEqualTo(status);
	}

	@Test
	void withoutAStagedRolloutNoRolloutIsWritten() {
		assertThat(config(write(new EtcdConfigStatus(7, false, "WATCHING")))).doesNotContainKey("rollout");
	}

	@Test
	void theHealthIsWrittenAtTheTopAndReadBack() {
		EtcdRegistration registration = new EtcdRegistration("billing", "billing-1", "localhost", 8080, false, Map.of(),
				"UP");
		registration.setHealth("DOWN");

		byte[] entry = FORMAT.write(registration, "UP").getBytes(StandardCharsets.UTF_8);

		assertThat(FORMAT.readHealth(entry)).isEqualTo("DOWN");
		assertThat(FORMAT.readConfigStatus(entry)).isNull();
		assertThat(FORMAT.readHealth("{\"endpoint\": \"http://localhost:3001\"}".getBytes(StandardCharsets.UTF_8)))
			.isNull();
	}

	@Test
	void aRolloutWithoutAnIdIsMalformed() {
		byte[] entry = "{\"config\": {\"revision\": 3, \"rollout\": {\"revision\": 2}}}"
			.getBytes(StandardCharsets.UTF_8);

		assertThatIllegalArgumentException().isThrownBy(() -> FORMAT.readConfigStatus(entry))
			.withMessageContaining("config.rollout");
	}

	@Test
	void aMalformedVerdictIsNamedWithoutQuotingTheEntry() {
		byte[] entry = "{\"config\": {\"revision\": 3, \"verdicts\": [{\"proposal\": \"p\", \"verdict\": \"s3cret\"}]}}"
			.getBytes(StandardCharsets.UTF_8);

		assertThatIllegalArgumentException().isThrownBy(() -> FORMAT.readConfigStatus(entry))
			.withMessageContaining("config.verdicts")
			.withMessageNotContaining("s3cret");
	}

	@Test
	void aRejectionWithoutARevisionIsMalformed() {
		byte[] entry = "{\"config\": {\"revision\": 3, \"rejected\": {\"properties\": []}}}"
			.getBytes(StandardCharsets.UTF_8);

		assertThatIllegalArgumentException().isThrownBy(() -> FORMAT.readConfigStatus(entry))
			.withMessageContaining("config.rejected.revision");
	}

	private static byte[] write(EtcdConfigStatus status) {
		EtcdRegistration registration = new EtcdRegistration("billing", "billing-1", "localhost", 8080, false, Map.of(),
				"UP");
		registration.setConfigStatus(status);
		return FORMAT.write(registration, "UP").getBytes(StandardCharsets.UTF_8);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> config(byte[] entry) {
		return (Map<String, Object>) JsonParserFactory.getJsonParser()
			.parseMap(new String(entry, StandardCharsets.UTF_8))
			.get("config");
	}

}
