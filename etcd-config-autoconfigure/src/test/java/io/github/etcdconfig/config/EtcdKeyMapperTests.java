package io.github.etcdconfig.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EtcdKeyMapper}'s mapping of plain keys to property names, and of
 * document keys.
 */
class EtcdKeyMapperTests {

	@Test
	void slashesAndDotsBothSeparateElements() {
		assertThat(EtcdKeyMapper.propertyName("database/host")).isEqualTo("database.host");
		assertThat(EtcdKeyMapper.propertyName("database.pool/max-size")).isEqualTo("database.pool.max-size");
		assertThat(EtcdKeyMapper.propertyName("servers[0]/host")).isEqualTo("servers[0].host");
	}

	@Test
	void anEmptyElementMapsToNoName() {
		for (String suffix : new String[] { "", "/", ".", "/a", "a/", ".a", "a.", "a//b", "a..b", "a/.b", "a./b" }) {
			assertThat(EtcdKeyMapper.propertyName(suffix)).as(suffix).isNull();
		}
	}

	@Test
	void whiteSpaceAndControlCharactersMapToNoName() {
		for (String suffix : new String[] { "a b", "a\tb", "a\u007fb", "a\u0085b", "a\u2028b" }) {
			assertThat(EtcdKeyMapper.propertyName(suffix)).as(suffix).isNull();
		}
	}

	@Test
	void otherCharactersAreKept() {
		assertThat(EtcdKeyMapper.propertyName("grüße/café")).isEqualTo("grüße.café");
		assertThat(EtcdKeyMapper.propertyName("my_app/Some-Value")).isEqualTo("my_app.Some-Value");
	}

	@Test
	void aKeyEndingInADocumentExtensionInAnyCaseIsADocument() {
		for (String suffix : new String[] { "app.yml", "app.YAML", "db/app.Properties", ".yml" }) {
			assertThat(EtcdKeyMapper.isDocument(suffix)).as(suffix).isTrue();
		}
		for (String suffix : new String[] { "yml", "app.ym", "app.yml/host", "app-yaml", "", "app.propert\u0131es" }) {
			assertThat(EtcdKeyMapper.isDocument(suffix)).as(suffix).isFalse();
		}
	}

}
