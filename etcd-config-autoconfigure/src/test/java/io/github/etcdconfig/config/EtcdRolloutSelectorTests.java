package io.github.etcdconfig.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.github.etcdconfig.config.EtcdRolloutSelector.Instances;
import io.github.etcdconfig.config.EtcdRolloutSelector.Metadata;
import io.github.etcdconfig.config.EtcdRolloutSelector.Share;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The selector record of a staged rollout, as operator and instance read it.
 */
class EtcdRolloutSelectorTests {

	@Test
	void aSelectorReadsBackAsItWasWritten() {
		EtcdRolloutSelector selector = new EtcdRolloutSelector("r1", "seed",
				List.of(new Share(0.25), new Instances(Set.of("b-2", "b-1")), new Metadata(Map.of("zone", "a"))));
		assertThat(EtcdRolloutSelector.parse(selector.toJson())).isEqualTo(selector);
	}

	@Test
	void aShareAdmitsTheInstancesWhosePointLiesBelowItsBound() {
		EtcdRolloutSelector selector = new EtcdRolloutSelector("r1", "seed", List.of(new Share(0.5)));
		List<String> ids = IntStream.range(0, 1000).mapToObj((i) -> "billing-" + i).toList();
		long admitted = ids.stream().filter((id) -> selector.matches(id, Map.of())).count();
		assertThat(admitted).isBetween(430L, 570L);
		assertThat(ids).allMatch((id) -> selector.matches(id, Map.of()) == EtcdRolloutSelector.point("seed", id) < 0.5);
	}

	@Test
	void aWholeShareAdmitsEveryInstance() {
		EtcdRolloutSelector selector = new EtcdRolloutSelector("r1", "seed", List.of(new Share(1)));
		assertThat(selector.matches("any", Map.of())).isTrue();
	}

	@Test
	void theSameSeedPlacesAnInstanceAtTheSamePointAndAnotherSeedElsewhere() {
		assertThat(EtcdRolloutSelector.point("seed", "billing-1"))
			.isEqualTo(EtcdRolloutSelector.point("seed", "billing-1"))
			.isNotEqualTo(EtcdRolloutSelector.point("other", "billing-1"))
			.isBetween(0.0, 1.0);
	}

	@Test
	void metadataAdmitsOnlyInstancesWithEveryEntry() {
		EtcdRolloutSelector selector = new EtcdRolloutSelector("r1", "seed",
				List.of(new Metadata(Map.of("zone", "a", "version", "1.4.2"))));
		assertThat(selector.matches("b-1", Map.of("zone", "a", "version", "1.4.2", "x", "y"))).isTrue();
		assertThat(selector.matches("b-2", Map.of("zone", "a"))).isFalse();
	}

	@Test
	void aWiderStageKeepsTheInstancesOfTheEarlierOnes() {
		EtcdRolloutSelector first = new EtcdRolloutSelector("r1", "seed", List.of(new Instances(Set.of("b-1"))));
		EtcdRolloutSelector second = first.with(new Metadata(Map.of("zone", "b")));
		assertThat(second.matches("b-1", Map.of("zone", "a"))).isTrue();
		assertThat(second.matches("b-2", Map.of("zone", "b"))).isTrue();
		assertThat(second.matches("b-3", Map.of("zone", "a"))).isFalse();
	}

	@Test
	void aMalformedSelectorIsRefusedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> EtcdRolloutSelector.parse("not json"))
			.withMessage("the rollout selector is not a JSON object");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EtcdRolloutSelector.parse("{\"id\":\"r\",\"seed\":\"s\",\"rules\":[{\"below\":2}]}"))
			.withMessage("a share's bound must lie between 0 and 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EtcdRolloutSelector.parse("{\"id\":\"r\",\"seed\":\"s\",\"rules\":[{\"zone\":\"a\"}]}"))
			.withMessage("a rule of the rollout selector is none of below, instances, metadata");
	}

}
