package io.github.etcdconfig;

import io.github.etcdconfig.test.SettingsPage;
import org.junit.jupiter.api.Test;

/**
 * docs/settings/etcd-config.md lists every setting of this module as its metadata says.
 */
class SettingsPageTests {

	@Test
	void theSettingsPageListsEverySettingOfTheMetadata() {
		SettingsPage.assertCurrent("etcd-config-starter", "etcd-config.md", SettingsPageTests.class);
	}

}
