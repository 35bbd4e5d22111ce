package io.github.etcdconfig.release;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.etcdconfig.client.EtcdBytes;

import org.springframework.boot.json.JsonParserFactory;

/**
 * What a registration says of verification (issue 22's {@code config.verifies},
 * {@code config.rejected} and {@code config.verdicts}). Stands in until
 * {@code EtcdInstanceFormat} reads them.
 */
record EtcdRegistrationVerdicts(boolean verifies, EtcdRejection rejected, Map<String, EtcdInstanceVerdict> verdicts) {

	@SuppressWarnings("unchecked")
	static EtcdRegistrationVerdicts read(String instance, byte[] value) {
		Map<String, Object> json;
		try {
			json = JsonParserFactory.getJsonParser().parseMap(EtcdBytes.text(value));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("the value is not a JSON object");
		}
		if (!(json.get("config") instanceof Map<?, ?> config)) {
			return new EtcdRegistrationVerdicts(false, null, Map.of());
		}
		EtcdRejection rejected = null;
		if (config.get("rejected") instanceof Map<?, ?> rejection
				&& rejection.get("revision") instanceof Number revision) {
			rejected = new EtcdRejection(revision.longValue(), properties(rejection.get("properties")));
		}
		Map<String, EtcdInstanceVerdict> verdicts = new LinkedHashMap<>();
		if (config.get("verdicts") instanceof List<?> list) {
			for (Object item : list) {
				if (item instanceof Map<?, ?> verdict && verdict.get("proposal") instanceof String proposal
						&& verdict.get("verdict") instanceof String answer) {
					verdicts.putIfAbsent(proposal,
							new EtcdInstanceVerdict(instance, EtcdInstanceVerdict.Verdict.valueOf(answer),
									(String) verdict.get("reason"), properties(verdict.get("properties"))));
				}
			}
		}
		return new EtcdRegistrationVerdicts(Boolean.TRUE.equals(config.get("verifies")), rejected, verdicts);
	}

	private static List<EtcdPropertyReason> properties(Object value) {
		List<EtcdPropertyReason> properties = new ArrayList<>();
		if (value instanceof List<?> list) {
			for (Object item : list) {
				if (item instanceof Map<?, ?> property && property.get("name") instanceof String name) {
					properties.add(new EtcdPropertyReason(name,
							(property.get("reason") instanceof String reason) ? reason : null));
				}
			}
		}
		return properties;
	}

}
